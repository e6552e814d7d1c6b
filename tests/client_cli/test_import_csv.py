"""``customers import`` and ``partners import``: row checks before anything is sent,
Excel-style files, results files, and runs that fail part way."""

from __future__ import annotations

import codecs
import csv
from pathlib import Path

import pytest
from click.testing import Result

from tests.client_cli import error_line, run_json, run_ok, run_partners
from tests.client_cli.served_api import Api

HEADER = "customerName,email,firstName,lastName,countryId,phoneNumber,websiteUrl\n"
BAD_ROWS = (
    HEADER
    + "Good One,good1@example.com,Ann,Lee,us,,\n"
    + "Bad Email,not-an-email,Bob,Ray,us,,\n"
    + "Bad Country,c@example.com,Cy,Dee,xx,,\n"
    + ',d@example.com,Di,Em,us,+1 555,"https://d.example.com"\n'
    + "Duplicate,GOOD1@example.com,Ed,Fo,us,,\n"
    + "Good Two,good2@example.com,Gil,Ho,ca,,\n"
    + "Too Many,e@example.com,Ed,Fo,us,,,extra\n"
)
EXPECTED_ERRORS = [
    "line 3, email: 'not-an-email' is not a valid email address.",
    "line 4, countryId: 'xx' is not an assigned ISO 3166-1 alpha-2 country code",
    "line 5, customerName: Missing required field: provide customerName.",
    "line 5, phoneNumber: '+1 555' is not a possible phone number",
    "line 6, email: 'GOOD1@example.com' is also on line 2; each email may be used once.",
    "line 8, row: the row has 8 cells, but the header has 7 columns",
]


def _read_results(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as results:
        return list(csv.DictReader(results, delimiter=delimiter))


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "import"])
def test_bad_rows_are_all_reported_and_nothing_sent(
    api: Api, config_dir: Path, tmp_path: Path, dry_run: bool
) -> None:
    source = tmp_path / "customers.csv"
    source.write_text(BAD_ROWS, encoding="utf-8")
    args = ["customers", "import", str(source), *(["--dry-run"] if dry_run else [])]
    result = run_partners(args, config_dir=config_dir, env=api.env())
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == len(EXPECTED_ERRORS) + 1
    for line, expected in zip(lines, EXPECTED_ERRORS, strict=False):
        assert line.startswith(expected), line
    assert lines[-1] == (
        f"Error: 5 of 7 rows of {source} are invalid, so nothing was sent. "
        "Correct them and run the command again."
    )
    assert api.total("customers") == 0
    assert not (tmp_path / "customers.results.csv").exists()


def test_dry_run_needs_no_server(config_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "customers.csv"
    source.write_text(HEADER + "Good,good@example.com,Ann,Lee,us,,\n", encoding="utf-8")
    result = run_ok(["customers", "import", str(source), "--dry-run"], config_dir=config_dir)
    assert result.stdout == f"Checked 1 row of {source}: all valid. Nothing was sent (--dry-run).\n"


def test_excel_csv_with_bom_and_semicolons(api: Api, config_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "excel.csv"
    text = (
        "customerName;email;firstName;lastName;countryId;websiteUrl;partnerId\r\n"
        "Müller & Söhne GmbH;joerg@mueller.example.de;Jörg;Müller;de;"
        "https://mueller.example.de;\r\n"
        '"Quote; Inc";quote@example.com;Q;R;US;;\r\n'
        ";;;;;;\r\n"
    )
    source.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    result = run_partners(
        ["customers", "import", str(source), "--partner", api.partner_id],
        config_dir=config_dir,
        env=api.env(),
    )
    assert result.exit_code == 0, result.output
    assert "Customers: 2 created, 0 failed." in result.stderr

    results_path = tmp_path / "excel.results.csv"
    raw = results_path.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    rows = _read_results(results_path, delimiter=";")
    assert [(row["line"], row["status"]) for row in rows] == [("2", "created"), ("3", "created")]
    assert rows[0]["customerName"] == "Müller & Söhne GmbH"
    assert rows[1]["customerName"] == "Quote; Inc"

    customer = run_json(["customers", "get", rows[0]["id"]], config_dir=config_dir, env=api.env())
    assert customer["name"] == "Müller & Söhne GmbH"
    assert customer["contactData"]["members"][0]["name"] == "Jörg Müller"
    assert customer["partner"]["id"] == api.partner_id
    assert customer["signUpData"]["websiteUrl"] == "https://mueller.example.de"
    quoted = run_json(["customers", "get", rows[1]["id"]], config_dir=config_dir, env=api.env())
    assert quoted["countryId"] == "us"


def test_rerun_replays_and_failed_rows_keep_errors(
    api: Api, config_dir: Path, tmp_path: Path
) -> None:
    run_ok(
        ["customers", "create", "--name", "Taken", "--email", "taken@example.com",
         "--first-name", "T", "--last-name", "K", "--country", "us"],
        config_dir=config_dir,
        env=api.env(),
    )  # fmt: skip
    source = tmp_path / "customers.csv"
    source.write_text(
        HEADER
        + "First,first@example.com,A,B,us,,\n"
        + "Clash,TAKEN@example.com,C,D,us,,\n"
        + "Third,third@example.com,E,F,ca,,\n",
        encoding="utf-8",
    )
    result = run_partners(
        ["customers", "import", str(source)], config_dir=config_dir, env=api.env()
    )
    line = error_line_after_summary(result)
    assert "1 row failed; see the error column of" in line
    rows = _read_results(tmp_path / "customers.results.csv")
    assert [row["status"] for row in rows] == ["created", "failed", "created"]
    assert rows[1]["id"] == ""
    assert rows[1]["error"].startswith("409 Conflict: ")
    assert "taken@example.com" in rows[1]["error"].lower()
    assert api.total("customers") == 3

    # Correcting the failed row changes only that row's body, so only it is created now.
    source.write_text(source.read_text().replace("TAKEN@", "clash@"), encoding="utf-8")
    result = run_partners(
        ["customers", "import", str(source)], config_dir=config_dir, env=api.env()
    )
    assert result.exit_code == 0, result.output
    assert "Customers: 1 created, 2 already created by an earlier run, 0 failed." in result.stderr
    rerun = _read_results(tmp_path / "customers.results.csv")
    assert [row["status"] for row in rerun] == ["replayed", "created", "replayed"]
    assert rerun[0]["id"] == rows[0]["id"]
    assert rerun[2]["id"] == rows[2]["id"]
    assert api.total("customers") == 4


def error_line_after_summary(result: Result) -> str:
    """Return the ``Error:`` line of a failed import, which follows its start and summary
    lines."""
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("Sending ")
    assert lines[1].startswith("Customers: ")
    assert len(lines) == 3, result.stderr
    assert lines[2].startswith("Error: ")
    return lines[2]


def test_partners_import_with_lists_and_nested_fields(
    api: Api, config_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "partners.csv"
    source.write_text(
        "partnerName,email,firstName,lastName,countryIds,contactData.web,logo.file,logo.maxHeight\n"
        "North Partner,north@example.com,N,O,us| ca,https://north.example.com,north.png,60\n"
        "South Partner,south@example.com,S,U,ar,,,\n",
        encoding="utf-8",
    )
    result = run_partners(["partners", "import", str(source)], config_dir=config_dir, env=api.env())
    assert result.exit_code == 0, result.output
    rows = _read_results(tmp_path / "partners.results.csv")
    north = run_json(["partners", "get", rows[0]["id"]], config_dir=config_dir, env=api.env())
    assert north["countryIds"] == ["us", "ca"]
    assert north["contactData"]["public"]["web"] == "https://north.example.com"
    assert north["logo"] == {"file": "north.png", "maxHeight": 60}
    south = run_json(["partners", "get", rows[1]["id"]], config_dir=config_dir, env=api.env())
    assert south["code"] == "south-partner"
    assert south["logo"] is None


def test_partners_import_reports_partner_errors(api: Api, config_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "partners.csv"
    source.write_text(
        "partnerName,email,firstName,lastName,code,countryIds,logo.maxHeight\n"
        "A,a@example.com,A,A,dup-code,us|zz,abc\n"
        "B,b@example.com,B,B,dup-code,us,2000\n",
        encoding="utf-8",
    )
    result = run_partners(["partners", "import", str(source)], config_dir=config_dir, env=api.env())
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:4] == [
        "line 2, logo.maxHeight: 'abc' is not a whole number; write digits only, such as 60.",
        "line 2, countryIds.1: 'zz' is not an assigned ISO 3166-1 alpha-2 country code; "
        "use a code such as 'us' or 'ca'.",
        "line 3, logo.file: Missing required field: provide logo.file.",
        "line 3, logo.maxHeight: 2000 is too large; use a value of at most 1000.",
    ]
    assert api.total("partners") == 1


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty"),
        (b"customerName,email\n", "missing required column 'firstName'"),
        (
            b"customerName,Email,firstName,lastName,countryId,fax\nA,a@example.com,A,B,us,1\n",
            "unknown column 'Email' (did you mean 'email'?); unknown column 'fax'",
        ),
        (b"customerName,customerName\n", "names customerName more than once"),
        (b"customerName,,email\n", "has no name for column 2"),
        (b"customerName,email,firstName,lastName,countryId\n", "has a header row but no data"),
        (b"customerName\nCaf\xe9\n", "is not valid UTF-8: byte 0xE9 on line 2"),
        (b'customerName,email\n"unclosed,a\n', "is not valid CSV"),
    ],
)
def test_unusable_file_is_rejected(
    config_dir: Path, tmp_path: Path, content: bytes, expected: str
) -> None:
    source = tmp_path / "customers.csv"
    source.write_bytes(content)
    result = run_partners(["customers", "import", str(source), "--dry-run"], config_dir=config_dir)
    assert expected in error_line(result)


def test_import_stops_on_authentication_error(config_dir: Path, api: Api, tmp_path: Path) -> None:
    source = tmp_path / "customers.csv"
    rows = "".join(f"C{index},c{index}@example.com,A,B,us,,\n" for index in range(10))
    source.write_text(HEADER + rows, encoding="utf-8")
    bad_token = "scp_" + "x" * 43
    result = run_partners(
        ["customers", "import", str(source), "--concurrency", "1"],
        config_dir=config_dir,
        env=api.env(bad_token),
    )
    assert result.exit_code == 1
    assert "The import stopped: 401 Unauthorized" in result.stderr
    assert bad_token not in result.output
    statuses = [row["status"] for row in _read_results(tmp_path / "customers.results.csv")]
    assert statuses[0] == "failed"
    assert set(statuses[1:]) == {"skipped"}
    assert len(statuses) == 10


def test_one_invalid_row_is_singular(config_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "customers.csv"
    source.write_text(HEADER + "Bad,not-an-email,A,B,us,,\n", encoding="utf-8")
    result = run_partners(["customers", "import", str(source), "--dry-run"], config_dir=config_dir)
    assert f"Error: 1 of 1 row of {source} is invalid, so nothing was sent." in result.stderr
