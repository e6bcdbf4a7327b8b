"""The default population margins of a deliberative poll: Seoul's adults (18+), in shares.

ILLUSTRATIVE, rounded figures: the living-zone shares add up the districts' resident registration
populations (주민등록인구) of recent years as Seoul publishes them (서울 열린데이터광장, "서울시 주민등록인구
(구별) 통계"), about 9.4 million people; gender and age bands are the adult population's approximate
structure in the same tables. They were rounded by hand, not downloaded: before a real poll, staff
replace them on the poll's setup page with the official table of the reference date the panel was
drawn against. The keys are the attributes SurveyParticipant.attributes holds (district_group,
gender, age_band from accounts.demographics.AGE_BANDS); the values need not sum to 1 (raking and
representativeness normalise them), so raw counts can be pasted as well.
"""

SEOUL_MARGINS = {
    "district_group": {"downtown": 0.05, "northeast": 0.31, "northwest": 0.12, "southwest": 0.31, "southeast": 0.21},
    "gender": {"female": 0.52, "male": 0.48},
    "age_band": {"18-29": 0.18, "30-39": 0.17, "40-49": 0.17, "50-59": 0.17, "60-69": 0.16, "70+": 0.15},
}
