"""The rubric: the default, validation, and the TOML file format."""

from __future__ import annotations

import dataclasses

import pytest

from scoring import (
    Instrument,
    Problem,
    Rubric,
    RubricError,
    default_rubric,
    load_rubric,
    rubric_from_mapping,
    rubric_from_toml,
    rubric_to_toml,
)
from scoring.rubric_toml import toml_string


def test_default_rubric_has_the_eight_instruments_of_the_procedure():
    rubric = default_rubric()
    assert rubric.version == "pob-2010"
    assert (rubric.passing_grade, rubric.min_score, rubric.max_score) == (700, 1, 10)
    assert rubric.codes == tuple(range(1, 9))
    assert [i.name for i in rubric.instruments] == [
        "Kondisi riil di lapangan",
        "Inovasi, kreatif, dan menginspirasi",
        "Kualitas fasilitasi konsultan",
        "Pengembangan kapasitas pelaku",
        "Kesesuaian dengan bakuan program",
        "Perubahan yang terjadi",
        "Peluang keberlanjutan",
        "Kualitas tulisan",
    ]
    assert all(i.description for i in rubric.instruments)
    rubric.validate()


def test_default_weights_are_20_for_instruments_2_and_6_and_say_so():
    rubric = default_rubric()
    assert rubric.weights == {1: 10, 2: 20, 3: 10, 4: 10, 5: 10, 6: 20, 7: 10, 8: 10}
    assert sum(rubric.weights.values()) == 100
    assert (rubric.min_total, rubric.max_total) == (100, 1000)
    assert "lost" in default_rubric.__doc__ and "assum" in default_rubric.__doc__


def test_rubric_is_frozen_and_hashable():
    rubric = default_rubric()
    with pytest.raises(dataclasses.FrozenInstanceError):
        rubric.passing_grade = 600  # type: ignore[misc]
    assert hash(rubric) == hash(default_rubric())


def test_a_list_of_instruments_becomes_a_tuple():
    rubric = default_rubric()
    again = Rubric(rubric.version, instruments=list(rubric.instruments))  # type: ignore[arg-type]
    assert again == rubric


def _with(**changes):
    return dataclasses.replace(default_rubric(), **changes)


def _messages(error: pytest.ExceptionInfo) -> list[str]:
    return [str(p) for p in error.value.problems]


def test_weights_must_add_up_to_100():
    instruments = tuple(dataclasses.replace(i, weight=10) for i in default_rubric().instruments)
    with pytest.raises(RubricError) as error:
        _with(instruments=instruments).validate()
    assert _messages(error) == ["jumlah bobot instrumen 80, seharusnya 100"]


def test_codes_must_not_repeat():
    instruments = list(default_rubric().instruments)
    instruments[7] = dataclasses.replace(instruments[7], code=1)
    with pytest.raises(RubricError) as error:
        _with(instruments=tuple(instruments)).validate()
    assert _messages(error) == ["instrumen ke-8: kode 1 dipakai lebih dari sekali"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"version": ""}, "versi rubrik"),
        ({"passing_grade": 700.5}, "passing_grade harus bilangan bulat"),
        ({"min_score": 10, "max_score": 10}, "min_score dan max_score"),
        ({"min_score": -1}, "min_score dan max_score"),
        ({"max_score": True}, "min_score dan max_score"),
        ({"instruments": ()}, "paling sedikit satu instrumen"),
    ],
)
def test_rubric_settings_are_checked(change, expected):
    with pytest.raises(RubricError) as error:
        _with(**change).validate()
    assert any(expected in m for m in _messages(error))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"weight": 0}, "bobot harus bilangan bulat positif"),
        ({"weight": 10.0}, "bobot harus bilangan bulat positif"),
        ({"code": 0}, "kode harus bilangan bulat positif"),
        ({"code": "1"}, "kode harus bilangan bulat positif"),
        ({"name": " "}, "nama harus berupa teks"),
        ({"description": None}, "deskripsi harus berupa teks"),
    ],
)
def test_instruments_are_checked(change, expected):
    instruments = list(default_rubric().instruments)
    instruments[0] = dataclasses.replace(instruments[0], **change)
    with pytest.raises(RubricError) as error:
        _with(instruments=tuple(instruments)).validate()
    assert any(m.startswith("instrumen ke-1: " + expected) for m in _messages(error))


def test_every_rubric_problem_is_reported():
    instruments = (Instrument(1, "a", "", 50), Instrument(1, "", "", 30))
    with pytest.raises(RubricError) as error:
        Rubric("", passing_grade="700", instruments=instruments).validate()  # type: ignore[arg-type]
    assert len(error.value.problems) == 5
    assert all(isinstance(p, Problem) for p in error.value.problems)


def test_toml_round_trip_of_the_default_rubric():
    text = rubric_to_toml(default_rubric())
    assert text.startswith('version = "pob-2010"\npassing_grade = 700\nmin_score = 1\nmax_score = 10\n')
    assert text.count("[[instruments]]") == 8
    assert rubric_from_toml(text) == default_rubric()


def test_toml_strings_are_escaped():
    assert toml_string('a "b" \\ c\n\td\x01\x7f é') == '"a \\"b\\" \\\\ c\\n\\td\\u0001\\u007F é"'
    odd = Instrument(1, 'Kutip "ini"\\', "baris\nbaru\x00", 100)
    rubric = Rubric('v1 "x"', instruments=(odd,))
    assert rubric_from_toml(rubric_to_toml(rubric)) == rubric


def test_toml_writer_refuses_an_invalid_rubric():
    with pytest.raises(RubricError):
        rubric_to_toml(_with(passing_grade=None))


def test_rubric_file_with_custom_weights(tmp_path):
    path = tmp_path / "rubric.toml"
    text = rubric_to_toml(default_rubric()).replace('"pob-2010"', '"pob-2011"')
    # Instrument 2 gives its weight of 20 to instrument 1.
    text = text.replace("weight = 20", "weight = 10", 1).replace("weight = 10\n", "weight = 20\n", 1)
    path.write_text(text, encoding="utf-8")
    rubric = load_rubric(path)
    assert rubric.version == "pob-2011"
    assert rubric.weights[1] == 20 and rubric.weights[2] == 10


def test_defaults_apply_to_omitted_settings():
    text = 'version = "mini"\n[[instruments]]\ncode = 1\nname = "Satu"\nweight = 100\n'
    assert rubric_from_toml(text) == Rubric("mini", 700, 1, 10, (Instrument(1, "Satu", "", 100),))


def test_unknown_keys_and_missing_values_are_refused_together():
    text = 'version = "x"\npassing_grde = 700\n[[instruments]]\ncode = 1\nname = "A"\nwieght = 100\n'
    with pytest.raises(RubricError) as error:
        rubric_from_toml(text)
    messages = _messages(error)
    assert "rubrik: kunci 'passing_grde' tidak dikenal" in messages
    assert "instrumen ke-1: kunci 'wieght' tidak dikenal" in messages
    assert any("bobot harus bilangan bulat positif (didapat: None)" in m for m in messages)


def test_instruments_must_be_tables():
    with pytest.raises(RubricError) as error:
        rubric_from_mapping({"version": "x", "instruments": "none"})
    assert any("daftar tabel" in m for m in _messages(error))


def test_bad_toml_syntax_is_a_rubric_error():
    with pytest.raises(RubricError) as error:
        rubric_from_toml("version = \n")
    assert "bukan TOML yang sah" in str(error.value)


def test_missing_rubric_file_is_a_rubric_error(tmp_path):
    with pytest.raises(RubricError) as error:
        load_rubric(tmp_path / "nothing.toml")
    assert "tidak dapat dibaca" in str(error.value)


def test_a_sheet_total_is_score_times_weight_and_counts_only_what_is_filled():
    rubric = default_rubric()
    full = dict.fromkeys(rubric.codes, 7)
    assert rubric.total(full) == 700
    assert rubric.total({**full, 2: 10, 6: 10}) == 700 + 2 * 3 * 20
    assert rubric.total({1: 10, 2: 10}) == 10 * 10 + 10 * 20  # a draft: the running total
    assert rubric.total({1: 5, 2: None, 6: None}) == 50
    assert rubric.total({}) == 0
    assert rubric.total({99: 10, 1: 1}) == 10  # an instrument the rubric does not have counts nothing
    assert rubric.total(dict.fromkeys(rubric.codes, rubric.max_score)) == rubric.max_total


def test_a_sheet_total_follows_the_rubric_weights():
    weights = (20, 20, 10, 10, 10, 10, 10, 10)
    rubric = dataclasses.replace(default_rubric(), instruments=tuple(
        dataclasses.replace(i, weight=w) for i, w in zip(default_rubric().instruments, weights)))
    rubric.validate()
    assert rubric.total({1: 9, 2: 1}) == 9 * 20 + 1 * 20
    assert rubric.total({6: 9}) == 90


def test_the_default_passing_grade_is_the_procedures_everywhere_it_applies():
    from scoring.rubric import DEFAULT_PASSING_GRADE

    assert DEFAULT_PASSING_GRADE == 700
    assert Rubric(version="x").passing_grade == DEFAULT_PASSING_GRADE
    assert default_rubric().passing_grade == DEFAULT_PASSING_GRADE
    mapping = {"version": "x", "instruments": [{"code": i.code, "name": i.name, "weight": i.weight}
                                               for i in default_rubric().instruments]}
    assert rubric_from_mapping(mapping).passing_grade == DEFAULT_PASSING_GRADE
    assert rubric_from_mapping({**mapping, "passing_grade": 650}).passing_grade == 650
