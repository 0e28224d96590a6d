// Turning a chosen photo or file into the bytes the device keeps and uploads.
// A photo is redrawn on a canvas at most ATTACHMENT_LONG_EDGE_PX on its longer
// edge and encoded afresh: a canvas holds pixels only, so the location, camera
// and time details a phone writes into a photo are not carried over. A PDF is
// written again without its hidden details (pdf.js); one that cannot be read
// (password protected or damaged) is kept as it came, and the worker is told.

import { ATTACHMENT_JPEG_QUALITY } from "../config.js";
import { fileProblem, fitWithin, isImage, sha256Hex } from "../domain/attachments.js";
import { withoutPdfDetails } from "./pdf.js";
import { t } from "../i18n.js";

export class AttachmentProblem extends Error {}

/**
 * Return the bytes to keep for a chosen file, with what the record says of them.
 * Throws AttachmentProblem with words for the worker when it cannot be attached.
 * @param {File} file
 * @param {{longEdgePx: number, maxBytes: number}} settings
 * `detailsKept` is true for a PDF whose hidden details could not be removed.
 * @returns {Promise<{bytes: Uint8Array, filename: string, content_type: string, byte_size: number, sha256: string, detailsKept: boolean, width?: number, height?: number}>}
 */
export async function prepareAttachment(file, settings) {
  const problem = fileProblem(file && { type: file.type, size: isImage(file.type) ? 1 : file.size }, settings);
  if (problem) {
    throw new AttachmentProblem(problem);
  }
  const prepared = isImage(file.type) ? await redrawPhoto(file, settings.longEdgePx) : await cleanDocument(file);
  const sizeProblem = fileProblem({ type: prepared.content_type, size: prepared.bytes.length }, settings);
  if (sizeProblem) {
    throw new AttachmentProblem(sizeProblem);
  }
  return { detailsKept: false, ...prepared, byte_size: prepared.bytes.length, sha256: await sha256Hex(prepared.bytes) };
}

/**
 * Return a PDF's bytes without its hidden details, or as it came (detailsKept)
 * when it cannot be read: refusing a protected letter from another agency
 * would stop the work, so it is kept and the worker is told.
 * @param {Blob & {name?: string, type: string}} file
 */
export async function cleanDocument(file) {
  const original = new Uint8Array(await file.arrayBuffer());
  const cleaned = await withoutPdfDetails(original);
  return { bytes: cleaned || original, content_type: file.type, filename: file.name || "document.pdf", detailsKept: !cleaned };
}

/**
 * Redraw a photo at most `longEdge` pixels on its longer edge, upright, as a
 * JPEG (a PNG stays a PNG: a scanned drawing keeps its sharp lines).
 * @param {Blob & {name?: string}} file
 * @param {number} longEdge
 */
export async function redrawPhoto(file, longEdge) {
  let bitmap;
  try {
    // "from-image" turns the photo upright by its orientation tag before the tag is dropped.
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    throw new AttachmentProblem(t("The selected photo could not be read. Take it again, or choose a JPG or PNG"));
  }
  const size = fitWithin(bitmap.width, bitmap.height, longEdge);
  const canvas = new OffscreenCanvas(size.width, size.height);
  const context = canvas.getContext("2d");
  const type = file.type === "image/png" ? "image/png" : "image/jpeg";
  if (type === "image/jpeg") {
    context.fillStyle = "#fff"; // a transparent WEBP would turn black in a JPEG
    context.fillRect(0, 0, size.width, size.height);
  }
  context.imageSmoothingQuality = "high";
  context.drawImage(bitmap, 0, 0, size.width, size.height);
  bitmap.close();
  const blob = await canvas.convertToBlob({ type, quality: ATTACHMENT_JPEG_QUALITY });
  return {
    bytes: new Uint8Array(await blob.arrayBuffer()),
    content_type: type,
    filename: renamed(file.name || "photo", type),
    width: size.width,
    height: size.height,
  };
}

/** Give a redrawn photo's name the extension of what it now is. */
export function renamed(name, type) {
  const extension = type === "image/png" ? ".png" : ".jpg";
  const stem = name.replace(/\.[^.]*$/, "") || "photo";
  return `${stem}${extension}`;
}
