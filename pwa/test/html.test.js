import { describe, expect, it } from "vitest";
import { html } from "../src/ui/html.js";

describe("html templates", () => {
  it("escapes what it interpolates", () => {
    const name = `<img src=x onerror="alert(1)">&'`;
    expect(String(html`<p title="${name}">${name}</p>`)).toBe(
      "<p title=\"&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;\">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;</p>",
    );
  });

  it("keeps nested templates and lists as markup", () => {
    const items = ["a", "<b>"].map((text) => html`<li>${text}</li>`);
    expect(String(html`<ul>${items}</ul>`)).toBe("<ul><li>a</li><li>&lt;b&gt;</li></ul>");
  });

  it("drops null, undefined and false", () => {
    expect(String(html`${null}${undefined}${false}${0}`)).toBe("0");
  });
});
