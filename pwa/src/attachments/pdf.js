// Removing a PDF's hidden details before the device keeps it. A PDF carries
// who made it and when in two places: the document information dictionary
// (Author, Creator, Producer, Title, Subject, Keywords, CreationDate, ModDate)
// and XMP metadata streams (the catalog's, and any a page, image or font has).
// Both go, with applications' private data (/PieceInfo), the trailer's file
// identifiers (/ID, which can match the file to the computer that made it) and
// files embedded in it (the catalog's /EmbeddedFiles, a file specification's
// /EF, PDF 2.0's associated files /AF): hidden documents the worker never saw.
// Then only what the document still reaches from its catalog is written, so an
// earlier revision's details left in the file by incremental saves go too. The
// pages and what is on them are kept as they are.
//
// pdf-lib (a pinned dependency, bundled as /vendor/pdf-lib.js by build.mjs) is
// loaded only when a PDF is attached: it is large, and most attachments are photos.

// Keys whose values describe the file, or are files inside it, rather than show anything on a page.
const DETAIL_KEYS = ["Metadata", "PieceInfo", "EmbeddedFiles", "EF", "AF"];

/**
 * Return the PDF without its hidden details, or null when it cannot be read:
 * an encrypted (password protected) or damaged PDF, or one with no pages.
 * @param {Uint8Array} bytes
 * @returns {Promise<Uint8Array<ArrayBuffer> | null>}
 */
export async function withoutPdfDetails(bytes) {
  const pdfLib = await import("/vendor/pdf-lib.js");
  let document;
  try {
    // updateMetadata false: pdf-lib otherwise writes its own Producer and dates in.
    document = await pdfLib.PDFDocument.load(bytes, { updateMetadata: false });
    if (document.getPageCount() === 0) {
      return null; // nothing pdf-lib could find to keep: keep the file as it came
    }
  } catch {
    return null;
  }
  const { context } = document;
  context.trailerInfo.Info = undefined;
  context.trailerInfo.ID = undefined;
  const reached = reachedFrom(pdfLib, context, context.trailerInfo.Root);
  for (const [ref] of context.enumerateIndirectObjects()) {
    if (!reached.has(ref)) {
      context.delete(ref);
    }
  }
  try {
    // pdf-lib writes into a new (never shared) ArrayBuffer.
    return /** @type {Uint8Array<ArrayBuffer>} */ (await document.save({ addDefaultPage: false, updateFieldAppearances: false }));
  } catch {
    return null;
  }
}

/**
 * Return the objects the catalog reaches, dropping the detail keys of every
 * dictionary on the way (so what only they held is not reached).
 * @param {any} pdfLib the pdf-lib module
 * @param {any} context the document's PDFContext
 * @param {any} root the catalog's reference
 * @returns {Set<any>} the PDFRefs reached (pdf-lib keeps one PDFRef per object number)
 */
function reachedFrom({ PDFArray, PDFDict, PDFName, PDFRef, PDFStream }, context, root) {
  const reached = new Set();
  const waiting = [root];
  while (waiting.length) {
    let object = waiting.pop();
    if (object instanceof PDFRef) {
      if (reached.has(object)) continue;
      reached.add(object);
      object = context.lookup(object);
    }
    const dict = object instanceof PDFStream ? object.dict : object instanceof PDFDict ? object : null;
    if (dict) {
      for (const key of DETAIL_KEYS) {
        dict.delete(PDFName.of(key));
      }
      waiting.push(...dict.values());
    } else if (object instanceof PDFArray) {
      waiting.push(...object.asArray());
    }
  }
  return reached;
}
