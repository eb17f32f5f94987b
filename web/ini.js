/* INI text as dermis reads it: [section] headers and "key = value" lines, comments kept.
 * The page edits a copy of configs/demo.ini key by key, so what it saves is that file with the
 * controls' values, and runs unchanged with `dermis run`. */
"use strict";

class IniText {
  constructor(text) {
    this.lines = text.replace(/\r\n/g, "\n").replace(/\n+$/, "").split("\n");
  }

  /* Index of the line holding section.key, or -1; sectionEnd: index after its last line. */
  find(section, key) {
    let current = null, keyLine = -1, sectionEnd = -1;
    this.lines.forEach((line, i) => {
      const header = line.match(/^\[(.*)\]\s*$/);
      if (header) { current = header[1]; return; }
      if (current !== section) return;
      sectionEnd = i + 1;
      const m = line.match(/^([^=:#;\s]+)\s*[=:]/);
      if (m && m[1] === key) keyLine = i;
    });
    if (sectionEnd < 0) {
      const h = this.lines.findIndex((l) => l.trim() === `[${section}]`);
      if (h >= 0) sectionEnd = h + 1;
    }
    return {keyLine, sectionEnd};
  }

  get(section, key) {
    const {keyLine} = this.find(section, key);
    return keyLine < 0 ? null : this.lines[keyLine].replace(/^[^=:]*[=:]\s*/, "").trim();
  }

  set(section, key, value) {
    const {keyLine, sectionEnd} = this.find(section, key);
    const line = `${key} = ${value}`;
    if (keyLine >= 0) this.lines[keyLine] = line;
    else if (sectionEnd >= 0) {
      let at = sectionEnd;
      while (at > 0 && this.lines[at - 1].trim() === "") at--;
      this.lines.splice(at, 0, line);
    } else this.lines.push("", `[${section}]`, line);
  }

  remove(section, key) {
    const {keyLine} = this.find(section, key);
    if (keyLine >= 0) this.lines.splice(keyLine, 1);
  }

  /* Line number (1-based) of section.key in the text, for matching an error to a control. */
  lineOf(section, key) {
    const {keyLine} = this.find(section, key);
    return keyLine + 1;
  }

  toString() { return this.lines.join("\n") + "\n"; }
}
