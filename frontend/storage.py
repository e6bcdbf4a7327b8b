"""The production static files storage: whitenoise's compressed manifest, with ES module imports hashed.

The browser code is native ES modules (frontend/static/frontend/, no build step). Django's manifest
storage rewrites CSS ``url()``s to the hashed names out of the box, but a module's ``import ... from
"./socket.js"`` only when ``support_js_module_import_aggregation`` is on. It is a class attribute of
``HashedFilesMixin``, not a constructor option (Django 5.2 passes STORAGES' OPTIONS to ``__init__``,
which refuses it), hence this subclass. Import specifiers must be relative ("./x.js", "../x.js") and
end with a semicolon for the rewrite to find them.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ModuleManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
