/* A citizens' jury's room (issue 5): its stage, the draft recommendation and the secret vote's link,
   in the jury panel under the room (#jury-panel). */

import { label } from "../i18n.js";
import { $, setText } from "./common.js";

export const handlers = {
  "recommendation.updated": (type, data) => {
    setText($("recommendation-text"), data.text);
    setText($("recommendation-version"), String(data.version));
  },
  "jury.state": (type, data) => {
    setText($("jury-stage"), label("JuryStages", data.state));
    if ($("draft-link")) $("draft-link").hidden = data.state !== "drafting";
  },
  "verdict.opened": () => { if ($("verdict-link")) $("verdict-link").hidden = false; },
  "verdict.closed": () => { if ($("verdict-link")) $("verdict-link").hidden = true; },
};
