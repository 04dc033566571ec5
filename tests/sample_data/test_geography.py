"""The sample drop's geography is the real ONS geography of the ICB area."""
import pandas as pd

from sample_data.geography import LOOKUP_FILE


def test_the_lsoa_lookup_extract_is_the_real_lookup(small_drop):
    real = pd.read_csv(LOOKUP_FILE, dtype=str).rename(columns={
        "lsoa21_code": "lsoa_code", "lsoa21_name": "lsoa_name", "ltla24_code": "lad_code",
        "ltla24_name": "lad_name", "sicbl24_code_nhs": "sub_icb_code", "sicbl24_name": "sub_icb_name"})
    sent = small_drop.csv("icb", "lsoa_lookup")
    columns = ["lsoa_code", "lsoa_name", "lad_code", "lad_name", "sub_icb_code", "sub_icb_name"]
    pd.testing.assert_frame_equal(sent[columns].sort_values("lsoa_code").reset_index(drop=True),
                                  real[columns].sort_values("lsoa_code").reset_index(drop=True))
    assert len(sent) == 697


def test_people_live_in_the_real_lsoas(small_drop):
    lookup = set(small_drop.csv("icb", "lsoa_lookup").lsoa_code)
    located = {}
    for partner, extract in (("icb", "gp_registered_population"), ("council", "school_census")):
        frame = small_drop.csv(partner, extract)
        lsoas = frame.lsoa_code.dropna()
        assert len(lsoas) > 50 and lsoas.isin(lookup).mean() > 0.95, (partner, extract)
        located |= dict(zip(normal_postcode(frame.postcode), frame.lsoa_code))
    # The SEN2 person module gives a postcode only: the postcodes of the other extracts place it.
    postcodes = normal_postcode(small_drop.csv("council", "sen2_person").postcode.dropna())
    assert len(postcodes) > 50 and postcodes.map(located).isin(lookup).mean() > 0.95


def normal_postcode(series: pd.Series) -> pd.Series:
    compact = series.str.upper().str.replace(" ", "")
    return compact.str[:-3] + " " + compact.str[-3:]
