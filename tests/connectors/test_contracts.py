"""Contracts load as written: codes stay text."""
from __future__ import annotations

import pytest

from connectors.contracts import ContractError, _load, contract_for


def test_yes_no_codes_stay_text():
    assert contract_for("council", "ehcna_requests").column("decision_to_assess").codes == ("YES", "NO", "PENDING")


def test_a_code_yaml_reads_as_a_boolean_is_refused(tmp_path):
    path = tmp_path / "council" / "answers.yml"
    path.parent.mkdir()
    path.write_text("title: t\ncadence: monthly\nkey: [id]\n"
                    "columns:\n  id: {type: text}\n  answer: {type: code, codes: [YES, NO]}\n")

    with pytest.raises(ContractError, match="column answer: a code was read as a boolean"):
        _load(path, {})
