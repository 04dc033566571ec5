"""Contracts load as written: codes stay text."""
from __future__ import annotations

import pytest

from connectors.contracts import ContractError, _load, contract_for


def test_codes_stay_text():
    assert contract_for("council", "sen2_requests").column("requestoutcome").codes == ("Y", "N", "A", "W", "H")
    assert contract_for("council", "sen2_requests").column("requestsource").codes == ("1", "2", "3", "4", "5")
    assert contract_for("council", "school_census").column("fsm_eligible").codes == ("Y", "N")


def test_a_code_yaml_reads_as_a_boolean_is_refused(tmp_path):
    path = tmp_path / "council" / "answers.yml"
    path.parent.mkdir()
    path.write_text("title: t\ncadence: monthly\nkey: [id]\n"
                    "columns:\n  id: {type: text}\n  answer: {type: code, codes: [YES, NO]}\n")

    with pytest.raises(ContractError, match="column answer: a code was read as a boolean"):
        _load(path, {})
