import json
import re
import unicodedata
from pathlib import Path

import pytest

from knowledge.corpus import is_heading, load_corpus, parse_article
from knowledge.engine import Engine
from knowledge.errors import CorpusError
from tests.conftest import PIAF, SEEDS, write_article

METADATA_LINE = re.compile(r"^\s*(date \d{4}|©|source\s*:|à lire également)", re.IGNORECASE)


@pytest.fixture(scope="module")
def seeds():
    return load_corpus(SEEDS)


def test_seed_ids_come_from_file_names(seeds) -> None:
    assert [d.id for d in seeds.documents] == ["000", "001", "002", "003", "004"]


def test_only_a_numbered_file_name_is_cut_at_its_underscore(tmp_path: Path) -> None:
    # "parler_amazon.md" and "parler_twitter.md" once shared the id "parler", and the
    # corpus refused to load.
    folder = tmp_path / "corpus"
    write_article(folder, "parler_amazon.md", "Parler poursuit Amazon en justice.")
    write_article(folder, "parler_twitter.md", "Twitter a suspendu le compte de Trump.")
    write_article(folder, "007_3f2a.txt", "Un article numéroté comme les seeds.")
    corpus = load_corpus(folder)
    assert [d.id for d in corpus.documents] == ["007", "parler_amazon", "parler_twitter"]
    assert not corpus.warnings


def test_files_of_one_number_keep_their_whole_names(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    write_article(folder, "01_debut.txt", "Parler poursuit Amazon en justice.")
    write_article(folder, "01_suite.txt", "Le juge rejette la demande de Parler.")
    write_article(folder, "02_fin.txt", "Parler retire sa plainte.")
    corpus = load_corpus(folder)
    assert [d.id for d in corpus.documents] == ["01_debut", "01_suite", "02"]
    assert any("01_debut.txt, 01_suite.txt share" in w for w in corpus.warnings)
    write_article(folder, "01.txt", "Parler revient en ligne.")  # the id "01" itself
    corpus = load_corpus(folder)
    assert [d.id for d in corpus.documents] == ["01", "01_debut", "01_suite", "02"]
    assert any("01_debut.txt, 01_suite.txt share" in w for w in corpus.warnings)


def test_hidden_files_are_not_articles(tmp_path: Path) -> None:
    # A macOS resource fork beside an article stopped the whole corpus (not UTF-8).
    folder = tmp_path / "corpus"
    write_article(folder, "note.txt", "Parler poursuit Amazon en justice.")
    (folder / "._note.txt").write_bytes(b"\x00\x05\x16\x07\xff\xfe Mac OS X")
    write_article(folder, ".brouillon.md", "Un brouillon.")
    assert [d.id for d in load_corpus(folder).documents] == ["note"]


def test_a_folder_whose_articles_cannot_be_listed_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A folder one may enter but not list (mode 311) was reported as output that
    # could not be written. Refused here as the OS refuses it (root is never refused).
    folder = tmp_path / "corpus"
    write_article(folder, "note.txt", "Parler poursuit Amazon en justice.")
    listing = Path.iterdir

    def refused(path: Path):
        if path == folder:
            raise PermissionError(13, "Permission denied", str(path))
        return listing(path)

    monkeypatch.setattr(Path, "iterdir", refused)
    with pytest.raises(CorpusError, match=r"its articles cannot be listed \(Permission denied\)"):
        load_corpus(folder)


def test_subfolders_are_named_as_not_read_and_jsonl_may_be_upper_case(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    write_article(folder, "note.txt", "Parler poursuit Amazon en justice.")
    write_article(folder / "2021", "autre.txt", "Un article rangé dans un sous-dossier.")
    corpus = load_corpus(folder)
    assert [d.id for d in corpus.documents] == ["note"]
    assert corpus.warnings == (f"{folder}: subfolders are not read (2021); articles go at its top",)
    upper = tmp_path / "CORPUS.JSONL"
    upper.write_text(json.dumps({"id": "a", "text": "Parler."}), encoding="utf-8")
    assert [d.id for d in load_corpus(upper).documents] == ["a"]


def test_no_metadata_line_in_any_passage(seeds) -> None:
    for passage in seeds.passages:
        assert not METADATA_LINE.match(passage.text), passage.id
        assert "© Parler" not in passage.text
        assert "Source : " not in passage.text
        assert "À lire également" not in passage.text


def test_date_marker_becomes_the_date(seeds) -> None:
    assert seeds.document("000").date == "2021-03"
    assert seeds.passages_of("000")[0].text.startswith("Après le retrait")


def test_source_line_becomes_a_cited_outlet(seeds) -> None:
    assert "CNN Business" in seeds.document("002").sources
    assert "UPI" in seeds.document("003").sources


def test_catalog_gives_titles_dates_and_outlets(seeds) -> None:
    document = seeds.document("000")
    assert "Washington" in document.title
    assert {"Reuters", "The Verge"} <= set(document.sources)
    assert seeds.document("004").date == "2021-03"


def test_headings_are_context_not_passages(seeds) -> None:
    texts = {p.text for p in seeds.passages}
    assert "Amazon signe la fin de Parler" not in texts
    assert "La plainte de Parler" not in texts
    after_heading = next(p for p in seeds.passages_of("003") if p.text.startswith("Le patron"))
    assert after_heading.section == "Amazon signe la fin de Parler"
    first = seeds.passages_of("001")[0]
    assert (
        first.section
        == "Parler annule la poursuite contre Amazon et en dépose une autre à la place"
    )


def test_passage_text_stays_as_written(seeds) -> None:
    assert any("l’héberger" in d.title for d in seeds.documents)
    assert any("n’y aura donc pas" in p.text for p in seeds.passages)


def test_long_paragraph_is_split_at_sentence_boundaries() -> None:
    sentence = "Parler a déposé une plainte contre Amazon devant un tribunal américain. "
    parsed = parse_article(sentence * 40)
    assert len(parsed.paragraphs) > 1
    for text, _ in parsed.paragraphs:
        assert text.endswith("américain.")
        assert len(text) <= 1200


RECIPE = """Les crêpes de la Chandeleur

Ingrédients
250 g de farine
4 œufs
un demi-litre de lait

Préparation
Verser la farine dans un saladier et creuser un puits. Ajouter les œufs un à un.

Repères
1142 : fondation de l'abbaye
1356 : premier pillage
Laisser reposer la pâte une heure
"""


def test_short_lines_no_paragraph_follows_are_content_not_headings() -> None:
    # Each short line used to replace the section before it: the ingredients, the
    # timeline and the last line (written without its full stop) were in no passage.
    parsed = parse_article(RECIPE)
    assert parsed.headline == "Les crêpes de la Chandeleur"
    assert parsed.paragraphs == (
        ("Ingrédients\n250 g de farine\n4 œufs\nun demi-litre de lait", parsed.headline),
        (
            "Verser la farine dans un saladier et creuser un puits. Ajouter les œufs un à un.",
            "Préparation",
        ),
        (
            "Repères\n1142 : fondation de l'abbaye\n1356 : premier pillage\n"
            "Laisser reposer la pâte une heure",
            "Préparation",
        ),
    )


def test_markdown_headings_labels_and_lists_are_read_as_readers_read_them() -> None:
    # A tester's regressions: "## Les bases" over "### ..." became a passage that won
    # answers ("» Les bases"); "- 80 g de beurre" before "Préparation :" became the
    # heading of the steps; a table's last row, the heading of what followed it.
    parsed = parse_article(
        "# Guide du compostage\n\n## Les bases\n\n### Ce qu'on peut composter\n\n"
        "Les épluchures vont au compost.\n\n"
        "Ingrédients :\n- 3 poires\n- 80 g de beurre\nPréparation :\n"
        "Coupez les poires en dés.\n\n"
        "| Ville | Points |\n| Lyon | 12 |\n| Nantes | 9 |\n"
        "Lyon gagne le tournoi.\n"
    )
    assert parsed.headline == "Guide du compostage"
    assert parsed.paragraphs == (
        ("Les épluchures vont au compost.", "Ce qu'on peut composter"),
        ("- 3 poires\n- 80 g de beurre", "Ingrédients :"),
        ("Coupez les poires en dés.", "Préparation :"),
        ("| Ville | Points |\n| Lyon | 12 |\n| Nantes | 9 |", "Préparation :"),
        ("Lyon gagne le tournoi.", "Préparation :"),
    )


def test_a_file_of_short_lines_only_keeps_each_block_together() -> None:
    # An address was a passage a line: "Mairie de Trifouilly" alone answered where it is.
    parsed = parse_article(
        "Mairie de Trifouilly\n12 rue des Acacias\n75011 Paris\n\nOuvert le lundi"
    )
    assert parsed.paragraphs == (
        ("Mairie de Trifouilly\n12 rue des Acacias\n75011 Paris", None),
        ("Ouvert le lundi", None),
    )


def test_every_line_of_an_article_is_in_a_passage_its_headline_or_a_section() -> None:
    parsed = parse_article(RECIPE + "\n- 6 saucisses de Toulouse\n- 2 oignons\n")
    kept = "\n".join(
        [parsed.headline or ""] + [f"{text}\n{section}" for text, section in parsed.paragraphs]
    )
    for line in [*RECIPE.splitlines(), "- 6 saucisses de Toulouse", "- 2 oignons"]:
        assert line.strip() in kept


def test_each_item_of_a_list_is_a_sentence_of_its_own(tmp_path: Path) -> None:
    folder = tmp_path / "recettes"
    write_article(folder, "crepes.txt", RECIPE)
    engine = Engine.from_corpus(folder)
    answer = engine.ask("Combien d'œufs faut-il pour les crêpes ?")
    assert answer.best is not None and answer.best.sentence == "4 œufs"
    assert engine.ask("Combien de temps laisser reposer la pâte ?").best.sentence == (
        "Laisser reposer la pâte une heure"
    )


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("Amazon justifie sa décision", True),
        ("Le procès explique cela plus en détail, en déclarant:", False),
        ("Parler est revenu.", False),
        ("", False),
    ],
)
def test_heading_detection(line: str, heading: bool) -> None:
    assert is_heading(line) is heading


def test_article_without_catalog_entry_loads_with_title_from_first_line(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    write_article(folder, "a.txt", "Un titre court\n\nUn paragraphe sur Parler et Amazon.")
    write_article(folder, "b.txt", "Un autre paragraphe, sans titre, sur Amazon Web Services.")
    (folder / "catalog.yaml").write_text(
        'a: {title: "Titre A"}\nzz: {title: "Absent"}\n', encoding="utf-8"
    )
    corpus = load_corpus(folder)
    assert corpus.document("a").title == "Titre A"
    assert corpus.document("b").title.startswith("Un autre paragraphe")
    assert any("b.txt" in w and "no entry" in w for w in corpus.warnings)
    assert any("'zz'" in w and "no article file" in w for w in corpus.warnings)


def test_malformed_catalog_names_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    write_article(folder, "a.txt", "Un paragraphe sur Parler.")
    (folder / "catalog.yaml").write_text(
        'a:\n  title: "ok"\n  sources: [Reuters\n', encoding="utf-8"
    )
    with pytest.raises(CorpusError, match=r"catalog\.yaml, line \d+: malformed YAML"):
        load_corpus(folder)


def test_non_utf8_article_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "latin1.txt").write_bytes("Un réseau social écarté.".encode("latin-1"))
    with pytest.raises(CorpusError, match=r"latin1\.txt, line 1: not UTF-8"):
        load_corpus(folder)


def test_missing_corpus_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="corpus not found"):
        load_corpus(tmp_path / "nowhere")


def test_empty_corpus_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="no passages"):
        load_corpus(tmp_path / "empty")


def test_jsonl_corpus_loads_documents_with_metadata(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(
        '{"id": "x1", "title": "Titre", "text": "Un texte sur Epik.", "source": "AFP", "date": "2021-01"}\n'
        "\n"
        '{"id": "x2", "title": "Autre", "text": "Un autre texte."}\n',
        encoding="utf-8",
    )
    corpus = load_corpus(path)
    assert [d.id for d in corpus.documents] == ["x1", "x2"]
    assert corpus.document("x1").sources == ("AFP",)
    assert corpus.document("x1").date == "2021-01"


def test_jsonl_bad_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "x1", "text": "ok."}\n{"id": \n', encoding="utf-8")
    with pytest.raises(CorpusError, match="line 2: invalid JSON"):
        load_corpus(path)


def test_jsonl_lines_read_the_same_whatever_the_line_endings(tmp_path: Path) -> None:
    records = ['{"id": "x1", "text": "Un texte."}', '{"id": "x2", "text": "Épik, encore."}']
    unix, windows = tmp_path / "unix.jsonl", tmp_path / "windows.jsonl"
    unix.write_bytes("\n".join(records).encode())
    windows.write_bytes("\r\n".join(records).encode() + b"\r\n")
    assert load_corpus(windows).passages == load_corpus(unix).passages


def test_jsonl_that_is_not_utf8_names_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    good = b'{"id": "x0", "text": "Parler"}\n'
    path.write_bytes(good * 2 + '{"id": "x1", "text": "Épik"}'.encode("latin-1"))
    with pytest.raises(CorpusError, match=r"c\.jsonl, line 3: not UTF-8 text \(byte 84\)"):
        load_corpus(path)


@pytest.mark.skipif(not PIAF.exists(), reason="shared PIAF corpus not present")
def test_piaf_corpus_loads_every_paragraph() -> None:
    corpus = load_corpus(PIAF / "corpus.jsonl")
    assert len(corpus.documents) == 761
    assert len({p.doc_id for p in corpus.passages}) == 761


def test_an_unquoted_numeric_id_in_the_catalog_gets_a_hint(tmp_path: Path) -> None:
    # YAML reads 014 as the number 12: the entry then matches no article.
    folder = tmp_path / "corpus"
    write_article(folder, "014_abc.txt", "Un paragraphe sur Parler et Amazon.")
    (folder / "catalog.yaml").write_text('014: {title: "Titre"}\n', encoding="utf-8")
    corpus = load_corpus(folder)
    assert any("'12'" in w and 'quote ids in catalog.yaml, "014":' in w for w in corpus.warnings)


def test_an_article_is_found_by_its_id_as_users_type_it(seeds) -> None:
    assert seeds.find_document("003").id == "003"
    assert seeds.find_document(" 3 ").id == "003"
    assert seeds.find_document("nope") is None
    assert seeds.find_document("0").id == "000"


@pytest.mark.parametrize("typed", ["²", "③", "3" * 5000, "٣"])
def test_an_id_of_odd_digits_is_simply_not_found(seeds, typed: str) -> None:
    # Digits int() refuses (a superscript, thousands of them) or that are not ASCII.
    assert seeds.find_document(typed) is None


def test_a_byte_order_mark_is_not_part_of_the_article(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    text = "date 2022-05 Les abeilles produisent du miel. Elles vivent en colonies."
    (folder / "bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode())
    corpus = load_corpus(folder)
    assert corpus.documents[0].date == "2022-05"
    assert not any("\ufeff" in p.text for p in corpus.passages)
    jsonl = tmp_path / "bom.jsonl"
    jsonl.write_bytes(b"\xef\xbb\xbf" + b'{"id": "a", "text": "Les abeilles."}\n')
    assert load_corpus(jsonl).documents[0].id == "a"


def test_jsonl_strings_may_hold_unicode_line_separators(tmp_path: Path) -> None:
    # json.dumps(..., ensure_ascii=False) writes U+2028 as is; splitlines() cut there.
    path = tmp_path / "c.jsonl"
    record = {"id": "a", "text": "Première ligne.\u2028Deuxième ligne.\x85Fin."}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert "Deuxième ligne." in load_corpus(path).passages[0].text


def test_upper_case_suffixes_are_articles_too(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    write_article(folder, "NOTE.TXT", "Un paragraphe sur Parler et Amazon.")
    write_article(folder, "autre.Md", "Un autre paragraphe sur Amazon.")
    assert sorted(d.id for d in load_corpus(folder).documents) == ["NOTE", "autre"]


def test_catalog_fields_of_the_wrong_shape_are_named_or_read_sensibly(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    write_article(folder, "a.txt", "Un paragraphe sur Parler et Amazon.")
    catalog = folder / "catalog.yaml"
    catalog.write_text('a: {title: Titre, questions: "Pourquoi ?"}\n', encoding="utf-8")
    # One question, not one per letter.
    assert load_corpus(folder).documents[0].questions == ("Pourquoi ?",)
    catalog.write_text("a: {title: [un, deux]}\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"entry 'a': title must be one text"):
        load_corpus(folder)


def test_jsonl_fields_of_the_wrong_shape_are_named_with_their_line(tmp_path: Path) -> None:
    # A url list once reached Discord's renderer and failed every answer from the article.
    path = tmp_path / "c.jsonl"
    records = [{"id": "a", "text": "Parler."}, {"id": "b", "text": "Amazon.", "url": ["x"]}]
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    with pytest.raises(CorpusError, match=r"c\.jsonl, line 2: url must be one text"):
        load_corpus(path)


def test_text_without_sentence_punctuation_is_cut_between_words(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "mot " * 100_000}), encoding="utf-8")
    passages = load_corpus(path).passages
    assert len(passages) > 300
    assert all(len(p.text) <= 1200 for p in passages)
    assert sum(p.text.count("mot") for p in passages) == 100_000


@pytest.mark.parametrize("record", [{"text": "Parler."}, {"id": " ", "text": "Parler."}])
def test_a_jsonl_record_without_an_id_is_named(tmp_path: Path, record: dict) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(CorpusError, match=r"c\.jsonl, line 1: missing field\(s\) id"):
        load_corpus(path)


@pytest.mark.parametrize(
    ("record", "said"),
    [
        ({"id": "a", "text": ["Parler.", "Amazon."]}, "text must be a text, not list"),
        ({"id": 1.5, "text": "Parler."}, "id must be a text, not float"),
        ({"id": True, "text": "Parler."}, "id must be a text, not bool"),
        ({"id": "a\nb", "text": "Parler."}, "id must be one line of text"),
    ],
)
def test_a_jsonl_field_of_the_wrong_kind_is_named_as_such(
    tmp_path: Path, record: dict, said: str
) -> None:
    # These were all reported as "missing field(s)", or, for True, shown as "article True".
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(CorpusError, match=rf"c\.jsonl, line 1: {said}"):
        load_corpus(path)


def test_markdown_rules_and_empty_front_matter_are_not_text(tmp_path: Path) -> None:
    # "---" then "---" (front matter left empty) made the article's title "---".
    folder = tmp_path / "corpus"
    write_article(folder, "a.md", "---\n---\nLes oiseaux chantent le matin.\n")
    write_article(folder, "b.md", "Titre\n=====\n\nLe texte.\n\n***\n\nUn autre texte.\n")
    corpus = load_corpus(folder)
    assert [d.title for d in corpus.documents] == ["Les oiseaux chantent le matin.", "Titre"]
    assert [p.text for p in corpus.passages] == [
        "Les oiseaux chantent le matin.",
        "Le texte.",
        "Un autre texte.",
    ]


def test_markdown_front_matter_is_the_articles_metadata(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    text = (
        "---\ntitle: Les volcans d'Europe\ndate: 2023-01-10\nsources: [AFP, Le Monde]\n---\n"
        "L'Etna est le volcan le plus actif d'Europe. Il domine la Sicile.\n"
    )
    write_article(folder, "volcans.md", text)
    [document] = load_corpus(folder).documents
    assert (document.title, document.date) == ("Les volcans d'Europe", "2023-01-10")
    assert document.sources == ("AFP", "Le Monde")
    assert load_corpus(folder).passages[0].text.startswith("L'Etna est")
    # The catalog still wins where it says something.
    (folder / "catalog.yaml").write_text('volcans: {title: "Titre du catalogue"}\n', "utf-8")
    [document] = load_corpus(folder).documents
    assert (document.title, document.date) == ("Titre du catalogue", "2023-01-10")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("---\ntitle: Les volcans\nL'Etna domine la Sicile.\n", "never closed by a '---' line"),
        (
            "---\ntitle: [Les volcans\n---\nL'Etna domine la Sicile.\n",
            "line 3: front matter is not YAML",
        ),
        ("---\n- title\n- date\n---\nL'Etna domine la Sicile.\n", None),
    ],
)
def test_broken_front_matter_is_kept_as_text_with_a_warning(
    tmp_path: Path, text: str, said: str | None
) -> None:
    folder = tmp_path / "corpus"
    write_article(folder, "volcans.md", text)
    corpus = load_corpus(folder)
    assert any("L'Etna domine la Sicile." in p.text for p in corpus.passages)
    if said is None:  # a list is not what an author writes for front matter: no warning
        assert corpus.warnings == ()
    else:
        [warning] = corpus.warnings
        assert warning.startswith("volcans.md") and said in warning and "read as text" in warning


def test_a_markdown_rule_opening_an_article_is_not_front_matter(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    write_article(folder, "a.md", "---\nNote : les oiseaux chantent le matin.\n")
    corpus = load_corpus(folder)
    assert corpus.warnings == ()
    assert [p.text for p in corpus.passages] == ["Note : les oiseaux chantent le matin."]


def test_an_empty_article_is_told_once_not_also_as_missing_from_the_catalog(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "corpus"
    write_article(folder, "a.txt", "Le pont de pierre fut achevé en 1822.")
    write_article(folder, "vide.txt", "\n\n")
    (folder / "catalog.yaml").write_text("a: {title: Le pont}\n", encoding="utf-8")
    assert load_corpus(folder).warnings == ("vide.txt: no text, so not an article",)


def test_a_misspelt_catalog_key_is_told_not_silently_dropped(seeds, tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    write_article(folder, "a.txt", "Un paragraphe sur Parler et Amazon.")
    (folder / "catalog.yaml").write_text(
        'a: {titel: "Le vrai titre", file: a.txt, date: 2021}\n', encoding="utf-8"
    )
    corpus = load_corpus(folder)
    assert corpus.documents[0].date == "2021"
    assert corpus.warnings == (
        f"{folder / 'catalog.yaml'}: unknown key 'titel' ignored, in entry 'a'; "
        "did you mean 'title'?",
    )

    # The seeds' catalog holds only keys it knows.
    assert seeds.warnings == ()


def test_a_catalog_entry_written_twice_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    write_article(folder, "a.txt", "Un paragraphe sur Parler et Amazon.")
    (folder / "catalog.yaml").write_text('"a": {title: Un}\n"a": {title: Deux}\n', "utf-8")
    with pytest.raises(CorpusError, match=r"line 2: malformed YAML \(found the key 'a' twice\)"):
        load_corpus(folder)


def test_ids_are_one_whichever_unicode_form_a_name_is_written_in(tmp_path: Path) -> None:
    # macOS writes "é" in file names as "e" and a combining accent: the catalog's
    # "église" and the file were two ids, each warned of as missing the other.
    folder = tmp_path / "corpus"
    decomposed = unicodedata.normalize("NFD", "église")
    write_article(folder, f"{decomposed}.txt", "L'église romane date du XIIe siècle.")
    (folder / "catalog.yaml").write_text('"église": {title: "L\'église"}\n', encoding="utf-8")
    corpus = load_corpus(folder)
    assert corpus.warnings == ()
    assert [d.id for d in corpus.documents] == ["église"]
    assert corpus.documents[0].title == "L'église"
    assert corpus.find_document(decomposed) is corpus.documents[0]


def test_a_catalog_entry_naming_another_file_is_told(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    write_article(folder, "001_histoire.txt", "Le village fut fondé en 1142.")
    write_article(folder, "003_club.txt", "Le club de rugby fut créé en 1908.")
    (folder / "catalog.yaml").write_text(
        "club: {file: 003_club.txt, title: Le club}\n"
        '"001": {file: 001_histoire.txt, title: Histoire}\n'
        '"003": {file: nope.txt, title: Rugby}\n',
        encoding="utf-8",
    )
    corpus = load_corpus(folder)
    catalog = folder / "catalog.yaml"
    assert sorted(corpus.warnings) == [
        f"{catalog}: entry '003' names file: nope.txt, which is not in the folder",
        f"{catalog}: entry 'club' names file: 003_club.txt, whose id is '003': key the entry '003'",
    ]


def test_files_that_are_not_articles_and_empty_articles_are_told(tmp_path: Path) -> None:
    # notes.rst vanished unseen; an empty file was listed among the sources, with no text.
    folder = tmp_path / "corpus"
    write_article(folder, "pont.txt", "Le pont de pierre fut achevé en 1822.")
    write_article(folder, "canal.markdown", "# Le canal\n\nLe canal du Midi fut inauguré en 1681.")
    write_article(folder, "notes.rst", "Des notes.")
    write_article(folder, "vide.txt", "\n  \n")
    corpus = load_corpus(folder)
    assert [d.id for d in corpus.documents] == ["canal", "pont"]
    assert corpus.warnings == (
        f"{folder}: notes.rst not read: articles are .txt, .md, .markdown",
        "vide.txt: no text, so not an article",
    )
    jsonl = tmp_path / "c.jsonl"
    records = [{"id": "a", "text": "Le pont."}, {"id": "b", "text": ""}, {"id": "c", "text": " "}]
    jsonl.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    corpus = load_corpus(jsonl)
    assert [d.id for d in corpus.documents] == ["a"]
    assert corpus.warnings == (f"{jsonl}, lines 2, 3: no text, so not an article",)
