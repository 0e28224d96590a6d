"""A school report attached to a child offline, on the child's own page: kept and uploaded
without who wrote it, and listed for the supervisor on the same child. A PDF whose details
cannot be removed is kept all the same, and the worker is told."""

from __future__ import annotations

import re
import zlib

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, sign_in, wait_until_synced
from tests.browser.test_visit_note_judgment import go, ready_to_work_offline, watch_for_errors

AUTHOR = b"Jo Bloggs, Foster Carer"
XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>'
    + AUTHOR
    + b'</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)
PAGE_TEXT = b"School report for Sam"


def school_report() -> bytes:
    """Return a one-page PDF, as a school's office writes one: who wrote it, in Info and XMP."""

    def stream(data: bytes, keys: bytes = b"") -> bytes:
        return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (keys, len(data), data)

    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Metadata 5 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 6 0 R >> >> >>",
        stream(b"BT /F1 18 Tf 50 780 Td (" + PAGE_TEXT + b") Tj ET"),
        stream(XMP, b"/Type /Metadata /Subtype /XML"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Author (" + AUTHOR + b") /Title (Sam Okoro, attendance) /Producer (Office scanner)"
        b" /Creator (Word) /CreationDate (D:20261103093000Z) >>",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 7 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def readable(pdf: bytes) -> bytes:
    """Return a PDF with each compressed stream (object streams too) inflated, to search in."""
    inflated = []
    for data in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            inflated.append(zlib.decompress(data))
        except zlib.error:
            continue  # not compressed: already in the PDF as it is
    return pdf + b"\n".join(inflated)


def test_a_school_report_attached_to_a_child_offline_reaches_the_supervisor_without_its_details(
    app, make_user, make_family, make_client, new_context
):
    from tests.api.casework import publish_practice_settings

    make_user("admin", username="root", team=None)
    publish_practice_settings(make_client("root"))
    amara = make_user("caseworker", username="amara", display_name="Amara Obi")
    make_user("supervisor", username="hannah", display_name="Hannah Reid")
    family = make_family(team_of=amara, worker=amara, name="Okoro")
    fid = str(family.id)
    report = school_report()
    assert AUTHOR in report and b"x:xmpmeta" in report

    device = new_context()
    page = device.new_page()
    errors = watch_for_errors(page)
    sign_in(page, "amara")
    ready_to_work_offline(page)
    device.set_offline(True)

    # Offline, from the family's page to Sam's own page.
    go(page, f"#/family/{fid}")
    page.get_by_role("link", name="Sam Okoro", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Sam Okoro")).to_be_visible()
    assert re.search(r"#/family/[0-9a-f-]{36}/person/[0-9a-f-]{36}$", page.url), page.url
    person_address = page.url.split("#", 1)[1]
    panel = page.get_by_role("region", name="Photos and files")
    expect(panel).to_contain_text("No photos or files yet.")
    check_accessibility(page, "a child's page")

    panel.get_by_label("Add a photo or file").set_input_files(
        {"name": "School report.pdf", "mimeType": "application/pdf", "buffer": report}
    )
    panel.get_by_label("Caption (optional)").fill("Attendance this term")
    panel.get_by_role("button", name="Attach").click()
    expect(panel.get_by_role("status")).to_contain_text("School report.pdf is attached")
    expect(panel.get_by_role("status")).not_to_contain_text("could not be removed")
    expect(panel.get_by_role("link", name="Download School report.pdf")).to_be_visible()
    expect(panel).to_contain_text("Waiting to upload")
    attached = page.evaluate(
        """() => window.fieldwork.session.data.all('attachment')
            .map((a) => ({id: a.id, kind: a.parent_kind, parent: a.parent_id,
                          size: a.byte_size}))"""
    )
    assert len(attached) == 1 and attached[0]["kind"] == "person", attached
    assert person_address.endswith(attached[0]["parent"])

    # A PDF that cannot be read is kept, and the worker is told its details stay in it.
    torn = b"%PDF-1.7\n% the rest of this file was lost\n%%EOF\n"
    panel.get_by_label("Add a photo or file").set_input_files(
        {"name": "torn.pdf", "mimeType": "application/pdf", "buffer": torn}
    )
    panel.get_by_role("button", name="Attach").click()
    expect(panel.get_by_role("status")).to_contain_text("torn.pdf is attached")
    expect(panel.get_by_role("status")).to_contain_text(
        "password protected or damaged, so its hidden details (such as who wrote it)"
        " could not be removed"
    )
    check_accessibility(page, "a child's page with a PDF whose details stay")

    # Back online: the records sync, the files upload, the server keeps them.
    device.set_offline(False)
    page.evaluate("() => window.fieldwork.session.sync.syncNow('test')")
    page.wait_for_function(
        """() => window.fieldwork.session.data.all('attachment').length === 2
            && window.fieldwork.session.data.all('attachment')
                .every((a) => ['sent', 'stored'].includes(
                    window.fieldwork.session.attachments.status(a.id)?.state))""",
        timeout=60_000,
    )
    page.evaluate("() => window.fieldwork.session.sync.syncNow('test')")
    page.wait_for_function(
        """() => window.fieldwork.session.data.all('attachment')
            .every((a) => a.upload_state === 'stored')"""
    )
    wait_until_synced(page)

    # What the server keeps has the page and not who wrote it.
    stored = make_client("amara").get(f"/api/v1/attachments/{attached[0]['id']}/content")
    assert stored.status_code == 200
    assert stored.data.startswith(b"%PDF-")
    assert len(stored.data) == attached[0]["size"]
    searchable = readable(stored.data)
    assert PAGE_TEXT in searchable
    for detail in (AUTHOR, b"Jo Bloggs", b"x:xmpmeta", b"Office scanner", b"/Author", b"/Metadata"):
        assert detail not in searchable, detail

    # The supervisor, on their own device, finds the report listed on Sam's page.
    supervisor = new_context().new_page()
    sign_in(supervisor, "hannah")
    go(supervisor, person_address)
    expect(supervisor.get_by_role("heading", level=1, name="Sam Okoro")).to_be_visible()
    listed = supervisor.get_by_role("region", name="Photos and files")
    expect(listed.get_by_role("link", name="Download School report.pdf")).to_be_visible()
    expect(listed.get_by_role("link", name="Download torn.pdf")).to_be_visible()
    expect(listed.locator(".app-attachments__item")).to_have_count(2)
    expect(listed).to_contain_text("Uploaded")
    # Alex, the adult in the family, has nothing attached.
    go(supervisor, f"#/family/{fid}")
    supervisor.get_by_role("link", name="Alex Okoro", exact=True).click()
    expect(supervisor.get_by_role("heading", level=1, name="Alex Okoro")).to_be_visible()
    expect(supervisor.get_by_role("region", name="Photos and files")).to_contain_text(
        "No photos or files yet."
    )
    check_accessibility(supervisor, "an adult's page, as the supervisor")
    # Requests made offline fail as they should; nothing else may.
    assert [error for error in errors if not error.startswith("Failed to load resource")] == []
