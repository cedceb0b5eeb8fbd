from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sps_tracker.domain.errors import ValidationError
from sps_tracker.domain.scales import DSI, HSS, SCALES, scale


def test_dsi_has_the_six_areas_of_the_trial_in_order() -> None:
    assert DSI.keys == ("lower_trunk", "upper_trunk", "legs", "arms", "face", "abdomen")
    assert (DSI.minimum, DSI.maximum) == (0, 6)


def test_hss_has_the_seven_triggers_in_order() -> None:
    assert HSS.keys == (
        "unexpected_noise",
        "visual",
        "touch",
        "voluntary_movement",
        "emotional_upset",
        "spontaneous",
        "nocturnal",
    )
    assert (HSS.minimum, HSS.maximum) == (0, 7)


def test_keys_and_columns_are_unique_across_scales() -> None:
    columns = [c for s in SCALES for c in s.columns]
    assert len(columns) == len(set(columns)) == 13
    assert DSI.column("legs") == "dsi_legs"
    assert HSS.total_column == "hss_total"


def test_unknown_area_is_refused_with_a_readable_message() -> None:
    with pytest.raises(ValidationError) as caught:
        DSI.answers(["knee"])
    assert str(caught.value) == (
        "Stiffness area 'knee' is not one of: lower trunk, upper trunk, legs, arms, face, abdomen"
    )


def test_non_boolean_answer_is_refused() -> None:
    with pytest.raises(ValidationError, match="yes or no"):
        HSS.answers({"touch": 2})


def test_scale_lookup() -> None:
    assert scale("hss") is HSS
    with pytest.raises(ValidationError, match="dsi, hss"):
        scale("mrs")


@given(
    st.sampled_from(SCALES).flatmap(
        lambda s: st.tuples(st.just(s), st.sets(st.sampled_from(s.keys)))
    )
)
def test_total_is_the_number_of_items_present(case: tuple[object, set[str]]) -> None:
    s, present = case
    assert hasattr(s, "answers")
    answers = s.answers(present)  # type: ignore[attr-defined]
    assert s.total(answers) == len(present)  # type: ignore[attr-defined]
    assert s.minimum <= s.total(answers) <= s.maximum  # type: ignore[attr-defined]
    # A mapping of the same answers gives the same full set.
    assert s.answers(answers) == answers  # type: ignore[attr-defined]


@given(st.text(min_size=1).filter(lambda t: t not in DSI.keys))
def test_any_other_key_is_refused(key: str) -> None:
    with pytest.raises(ValidationError):
        DSI.answers([key])
