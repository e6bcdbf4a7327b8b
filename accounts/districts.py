"""The 25 autonomous districts (자치구) of Seoul, plus "outside Seoul"; codes are stable identifiers."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class District(models.TextChoices):
    JONGNO = "jongno", _("Jongno-gu")
    JUNG = "jung", _("Jung-gu")
    YONGSAN = "yongsan", _("Yongsan-gu")
    SEONGDONG = "seongdong", _("Seongdong-gu")
    GWANGJIN = "gwangjin", _("Gwangjin-gu")
    DONGDAEMUN = "dongdaemun", _("Dongdaemun-gu")
    JUNGNANG = "jungnang", _("Jungnang-gu")
    SEONGBUK = "seongbuk", _("Seongbuk-gu")
    GANGBUK = "gangbuk", _("Gangbuk-gu")
    DOBONG = "dobong", _("Dobong-gu")
    NOWON = "nowon", _("Nowon-gu")
    EUNPYEONG = "eunpyeong", _("Eunpyeong-gu")
    SEODAEMUN = "seodaemun", _("Seodaemun-gu")
    MAPO = "mapo", _("Mapo-gu")
    YANGCHEON = "yangcheon", _("Yangcheon-gu")
    GANGSEO = "gangseo", _("Gangseo-gu")
    GURO = "guro", _("Guro-gu")
    GEUMCHEON = "geumcheon", _("Geumcheon-gu")
    YEONGDEUNGPO = "yeongdeungpo", _("Yeongdeungpo-gu")
    DONGJAK = "dongjak", _("Dongjak-gu")
    GWANAK = "gwanak", _("Gwanak-gu")
    SEOCHO = "seocho", _("Seocho-gu")
    GANGNAM = "gangnam", _("Gangnam-gu")
    SONGPA = "songpa", _("Songpa-gu")
    GANGDONG = "gangdong", _("Gangdong-gu")
    OUTSIDE = "outside", _("Outside Seoul")


# Seoul's five living zones (생활권), the groups the city's panels are balanced by.
DISTRICT_GROUPS = {
    "downtown": ("jongno", "jung", "yongsan"),
    "northeast": ("seongdong", "gwangjin", "dongdaemun", "jungnang", "seongbuk", "gangbuk", "dobong", "nowon"),
    "northwest": ("eunpyeong", "seodaemun", "mapo"),
    "southwest": ("yangcheon", "gangseo", "guro", "geumcheon", "yeongdeungpo", "dongjak", "gwanak"),
    "southeast": ("seocho", "gangnam", "songpa", "gangdong"),
}
DISTRICT_GROUP_LABELS = {
    "downtown": _("Downtown (도심권)"), "northeast": _("Northeast (동북권)"), "northwest": _("Northwest (서북권)"),
    "southwest": _("Southwest (서남권)"), "southeast": _("Southeast (동남권)"),
}
_GROUP_OF = {district: group for group, districts in DISTRICT_GROUPS.items() for district in districts}


def district_group(district: str) -> str:
    """The living zone of a district code; "" for outside Seoul or unknown."""
    return _GROUP_OF.get(district or "", "")
