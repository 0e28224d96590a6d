// A PDF attached on the device loses who made it and when (its information
// dictionary and XMP streams) and keeps its pages; one that cannot be read is
// kept as it came, marked so the worker is told.

import { PDFDocument, PDFHexString, PDFName, PDFRawStream, PDFString, decodePDFRawStream } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { prepareAttachment } from "../src/attachments/prepare.js";
import { sha256Hex } from "../src/domain/attachments.js";

const SETTINGS = { longEdgePx: 2048, maxBytes: 20 * 1024 * 1024 };
const AUTHOR = "Jo Bloggs, Foster Carer";
const XMP = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>${AUTHOR}</dc:creator></rdf:Description>
</rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;

/** Return a two-page letter full of details: Info fields, XMP on the catalog and a page, an old Info left behind. */
async function letterWithDetails() {
  const document = await PDFDocument.create({ updateMetadata: false });
  document.addPage([595, 842]).drawText("School report for Sam", { x: 50, y: 780 });
  document.addPage([842, 595]).drawText("Attendance", { x: 50, y: 500 });
  document.setTitle("Sam Okoro school report");
  document.setAuthor(AUTHOR);
  document.setSubject("Attendance and behaviour");
  document.setKeywords(["Okoro", "12 Acacia Road"]);
  document.setCreator("Word for Microsoft 365");
  document.setProducer("Acacia Road Primary scanner");
  document.setCreationDate(new Date(Date.UTC(2026, 10, 3, 9, 30)));
  document.setModificationDate(new Date(Date.UTC(2026, 10, 4, 9, 30)));
  const { context } = document;
  const xmp = () => context.register(context.stream(XMP, { Type: "Metadata", Subtype: "XML" }));
  document.catalog.set(PDFName.of("Metadata"), xmp());
  document.getPage(0).node.set(PDFName.of("Metadata"), xmp());
  // As an incremental save leaves it: an earlier information dictionary no longer in the trailer.
  context.register(context.obj({ Author: PDFString.of(`${AUTHOR} (draft)`) }));
  return document.save({ useObjectStreams: false });
}

/** Return everything in a PDF as text: each object, with its stream decoded. */
async function everything(bytes) {
  const { context } = await PDFDocument.load(bytes, { updateMetadata: false });
  return context
    .enumerateIndirectObjects()
    .map(([, object]) =>
      object instanceof PDFRawStream
        ? `${object.dict} ${new TextDecoder("latin1").decode(decodePDFRawStream(object).decode())}`
        : String(object),
    )
    .join("\n");
}

const asFile = (bytes, name = "School report.pdf") => new File([bytes], name, { type: "application/pdf" });

describe("a PDF's hidden details", () => {
  it("are in the letter the test attaches", async () => {
    const letter = await letterWithDetails();
    const text = await everything(letter);
    expect(text).toContain(AUTHOR);
    expect(text).toContain(`${AUTHOR} (draft)`);
    expect(text).toContain("x:xmpmeta");
    expect((await PDFDocument.load(letter)).getAuthor()).toBe(AUTHOR);
  });

  it("are removed before the device keeps it, and its pages are kept", async () => {
    const letter = await letterWithDetails();

    const prepared = await prepareAttachment(asFile(letter), SETTINGS);

    expect(prepared.detailsKept).toBe(false);
    expect(prepared.filename).toBe("School report.pdf");
    expect(prepared.content_type).toBe("application/pdf");
    expect(prepared.byte_size).toBe(prepared.bytes.length);
    expect(prepared.sha256).toBe(await sha256Hex(prepared.bytes));
    expect(new TextDecoder().decode(prepared.bytes.subarray(0, 5))).toBe("%PDF-"); // the server's sniff
    const kept = await PDFDocument.load(prepared.bytes, { updateMetadata: false });
    expect(kept.getTitle()).toBeUndefined();
    expect(kept.getAuthor()).toBeUndefined();
    expect(kept.getSubject()).toBeUndefined();
    expect(kept.getKeywords()).toBeUndefined();
    expect(kept.getCreator()).toBeUndefined();
    expect(kept.getProducer()).toBeUndefined();
    expect(kept.getCreationDate()).toBeUndefined();
    expect(kept.getModificationDate()).toBeUndefined();
    expect(kept.catalog.get(PDFName.of("Metadata"))).toBeUndefined();
    const text = await everything(prepared.bytes);
    for (const detail of [AUTHOR, "x:xmpmeta", "Acacia", "Okoro", "Word for Microsoft", "/Metadata", "pdf-lib"]) {
      expect(text).not.toContain(detail);
    }
    expect(kept.getPages().map((page) => [page.getWidth(), page.getHeight()])).toEqual([
      [595, 842],
      [842, 595],
    ]);
    // What is drawn on the pages is still there (pdf-lib writes the text in hexadecimal).
    const hex = (words) => [...words].map((c) => c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")).join("");
    expect(text).toContain(hex("School report for Sam"));
    expect(text).toContain(hex("Attendance"));
  });

  it("include the file's identifiers and the files embedded in it", async () => {
    const document = await PDFDocument.create({ updateMetadata: false });
    document.addPage().drawText("Agreement", { x: 50, y: 700 });
    const hidden = "Notes on the other parent: 4 Mill Lane";
    await document.attach(new TextEncoder().encode(hidden), "notes.txt", { mimeType: "text/plain" });
    document.context.trailerInfo.ID = document.context.obj([PDFHexString.of("C0FFEE00"), PDFHexString.of("C0FFEE00")]);
    const agreement = await document.save({ useObjectStreams: false });
    expect(await everything(agreement)).toContain(hidden);
    expect(new TextDecoder("latin1").decode(agreement)).toContain("C0FFEE00");

    const prepared = await prepareAttachment(asFile(agreement, "Agreement.pdf"), SETTINGS);

    expect(prepared.detailsKept).toBe(false);
    const text = await everything(prepared.bytes);
    for (const detail of [hidden, "notes.txt", "/EmbeddedFiles", "/EF", "/AF"]) {
      expect(text).not.toContain(detail);
    }
    expect(new TextDecoder("latin1").decode(prepared.bytes)).not.toContain("C0FFEE00");
    expect((await PDFDocument.load(prepared.bytes)).getPageCount()).toBe(1);
  });

  it("stay in a password protected PDF, which is kept as it came and marked", async () => {
    const document = await PDFDocument.create({ updateMetadata: false });
    document.addPage();
    document.setAuthor(AUTHOR);
    // The trailer of a PDF encrypted with the standard security handler (RC4, 40 bits).
    document.context.trailerInfo.Encrypt = document.context.obj({ Filter: "Standard", V: 1, R: 2, P: -4 });
    const locked = await document.save({ useObjectStreams: false });

    const prepared = await prepareAttachment(asFile(locked), SETTINGS);

    expect(prepared.detailsKept).toBe(true);
    expect(prepared.bytes).toEqual(locked);
    expect(prepared.sha256).toBe(await sha256Hex(locked));
  });

  it("stay in a damaged PDF, which is kept as it came and marked", async () => {
    const damaged = new TextEncoder().encode("%PDF-1.7\n% this is where the pages were\n%%EOF\n");

    const prepared = await prepareAttachment(asFile(damaged, "torn.pdf"), SETTINGS);

    expect(prepared.detailsKept).toBe(true);
    expect(prepared.bytes).toEqual(damaged);
    expect(prepared.filename).toBe("torn.pdf");
  });
});
