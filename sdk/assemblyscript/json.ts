// JSON for pulsar-wasm guests in AssemblyScript: a reader and a writer for record functions, whose
// input and output are JSON text (the text handler of pulsar.ts gets it as its string).
//
//   const value = parseJson(input);                      // null if the text is not JSON
//   if (!(value instanceof JsonObject)) return Result.error("input is not a JSON object");
//   const user = <JsonObject>value;
//   const age = user.get("age");
//   if (age instanceof JsonNumber && (<JsonNumber>age).isI64()) {
//     user.set("age", JsonNumber.of((<JsonNumber>age).toI64() + 1));
//   }
//   return Result.text(user.toJson());
//
// A value is a tree of JsonNull, JsonBool, JsonNumber, JsonString, JsonArray and JsonObject. The
// reader validates everything (RFC 8259; text nested deeper than MAX_DEPTH, a lone surrogate
// escape and trailing text count as malformed) and gives null for malformed text, never an abort.
// Numbers keep their text, so no digit is lost (64-bit integers, decimals); objects keep their
// members in order, repeated names too (JsonObject's get and set act on the last of them, the one
// the host keeps when it reads the text).

/** How deeply arrays and objects may nest; deeper text is malformed (the reader recurses once per level). */
export const MAX_DEPTH = 64;

/** A JSON value. */
export abstract class JsonValue {
  /** Appends the value's JSON text to out. */
  abstract write(out: Array<string>): void;

  /** The value as JSON text, without whitespace; non-ASCII characters as they are. */
  toJson(): string {
    const out = new Array<string>();
    this.write(out);
    return out.join("");
  }
}

/** null. */
export class JsonNull extends JsonValue {
  write(out: Array<string>): void { out.push("null"); }
}

/** true or false. */
export class JsonBool extends JsonValue {
  constructor(public value: bool) { super(); }
  write(out: Array<string>): void { out.push(this.value ? "true" : "false"); }
}

/** A number, as its JSON text: `36`, `-1.5e3`, `123.45`. */
export class JsonNumber extends JsonValue {
  /** text must be a JSON number; parseJson passes the text it read. */
  constructor(public text: string) { super(); }

  /** An integer. */
  static of(value: i64): JsonNumber { return new JsonNumber(value.toString()); }

  /** Whether the number is an integer written without fraction or exponent, from -2^63 to 2^63-1. */
  isI64(): bool {
    const negative = this.text.startsWith("-");
    const digits = negative ? this.text.substring(1) : this.text;
    for (let i = 0; i < digits.length; i++) {
      if (!isDigit(digits.charCodeAt(i))) return false;
    }
    const max = negative ? "9223372036854775808" : "9223372036854775807";
    return digits.length > 0 && (digits.length < max.length || digits.length == max.length && digits <= max);
  }

  /** The integer, exactly, when isI64(); 0 otherwise. */
  toI64(): i64 { return this.isI64() ? I64.parseInt(this.text) : 0; }

  /** The number as the nearest f64. */
  toF64(): f64 { return parseFloat(this.text); }

  write(out: Array<string>): void { out.push(this.text); }
}

/** A string. */
export class JsonString extends JsonValue {
  constructor(public value: string) { super(); }
  write(out: Array<string>): void { quote(this.value, out); }
}

/** An array. */
export class JsonArray extends JsonValue {
  constructor(public elements: Array<JsonValue> = []) { super(); }

  write(out: Array<string>): void {
    out.push("[");
    for (let i = 0; i < this.elements.length; i++) {
      if (i > 0) out.push(",");
      this.elements[i].write(out);
    }
    out.push("]");
  }
}

/** An object: its members' names and values, in order (values[i] is the value of names[i]). */
export class JsonObject extends JsonValue {
  names: Array<string> = [];
  values: Array<JsonValue> = [];

  /** The value of the member name (the last, if the name repeats: the one the host's Jackson keeps); null if there is none. */
  get(name: string): JsonValue | null {
    const i = this.names.lastIndexOf(name);
    return i >= 0 ? this.values[i] : null;
  }

  /** Sets the value of the member name (the last, if the name repeats, as get reads it), adding it at the end if there is none. */
  set(name: string, value: JsonValue): void {
    const i = this.names.lastIndexOf(name);
    if (i >= 0) {
      this.values[i] = value;
    } else {
      this.names.push(name);
      this.values.push(value);
    }
  }

  write(out: Array<string>): void {
    out.push("{");
    for (let i = 0; i < this.names.length; i++) {
      if (i > 0) out.push(",");
      quote(this.names[i], out);
      out.push(":");
      this.values[i].write(out);
    }
    out.push("}");
  }
}

/** Reads text, one JSON value with optional whitespace around it; null if it is malformed. */
export function parseJson(text: string): JsonValue | null {
  const reader = new Reader(text);
  const value = reader.value(0);
  reader.space();
  return reader.at == text.length ? value : null;
}

function isDigit(c: i32): bool {
  return c >= 0x30 && c <= 0x39;
}

/** Whether c is a UTF-16 low surrogate (low) or high surrogate (!low). */
function isSurrogate(c: i32, low: bool): bool {
  return low ? c >= 0xdc00 && c <= 0xdfff : c >= 0xd800 && c <= 0xdbff;
}

/** Appends text as a JSON string: '"', '\\' and control characters escaped (\b \f \n \r \t, the
 * others as \u00xx), a lone surrogate (not text) replaced by U+FFFD, the rest as it is. */
function quote(text: string, out: Array<string>): void {
  out.push("\"");
  let run = 0; // where the characters not yet appended begin
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let replacement: string | null = null;
    if (c == 0x22) replacement = "\\\"";
    else if (c == 0x5c) replacement = "\\\\";
    else if (c == 0x08) replacement = "\\b";
    else if (c == 0x0c) replacement = "\\f";
    else if (c == 0x0a) replacement = "\\n";
    else if (c == 0x0d) replacement = "\\r";
    else if (c == 0x09) replacement = "\\t";
    else if (c < 0x20) replacement = "\\u" + c.toString(16).padStart(4, "0");
    else if (isSurrogate(c, false) && i + 1 < text.length && isSurrogate(text.charCodeAt(i + 1), true)) i++;
    else if (isSurrogate(c, false) || isSurrogate(c, true)) replacement = "\ufffd";
    if (replacement !== null) {
      out.push(text.substring(run, i));
      out.push(replacement);
      run = i + 1;
    }
  }
  out.push(text.substring(run));
  out.push("\"");
}

/** A recursive descent reader; each method returns null (or -1) where the text is malformed. */
class Reader {
  at: i32 = 0;

  constructor(private text: string) {}

  /** The character at `at`, or -1 at the end. */
  peek(): i32 {
    return this.at < this.text.length ? this.text.charCodeAt(this.at) : -1;
  }

  /** Moves past whitespace. */
  space(): void {
    for (let c = this.peek(); c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d; c = this.peek()) this.at++;
  }

  /** Moves past word if the text is at it (compared in place: no substring to allocate). */
  word(word: string): bool {
    const n = word.length;
    if (this.at + n > this.text.length) return false;
    for (let i = 0; i < n; i++) {
      if (this.text.charCodeAt(this.at + i) != word.charCodeAt(i)) return false;
    }
    this.at += n;
    return true;
  }

  /** A value after optional whitespace, at nesting depth (0 at the top). */
  value(depth: i32): JsonValue | null {
    this.space();
    const c = this.peek();
    if (c == 0x22) {
      const text = this.string();
      return text !== null ? new JsonString(text) : null;
    }
    if ((c == 0x5b || c == 0x7b) && depth >= MAX_DEPTH) return null;
    if (c == 0x5b) return this.array(depth + 1);
    if (c == 0x7b) return this.object(depth + 1);
    if (c == 0x74) return this.word("true") ? new JsonBool(true) : null;
    if (c == 0x66) return this.word("false") ? new JsonBool(false) : null;
    if (c == 0x6e) return this.word("null") ? new JsonNull() : null;
    return this.number();
  }

  /** Where an array or object goes on, after its '[' or '{' (first) or after a member: 1 if a member
   * follows (moved past the ',' before it), 0 at close (moved past it), -1 if the text is malformed. */
  next(close: i32, first: bool): i32 {
    this.space();
    const c = this.peek();
    if (c == close) {
      this.at++;
      return 0;
    }
    if (first) return 1;
    if (c != 0x2c) return -1;
    this.at++;
    return 1;
  }

  /** An array whose '[' is at `at`; its elements sit at depth. */
  array(depth: i32): JsonArray | null {
    const array = new JsonArray();
    this.at++;
    let next = this.next(0x5d, true);
    for (; next > 0; next = this.next(0x5d, false)) {
      const value = this.value(depth);
      if (value === null) return null;
      array.elements.push(value);
    }
    return next == 0 ? array : null;
  }

  /** An object whose '{' is at `at`; its members' values sit at depth. */
  object(depth: i32): JsonObject | null {
    const object = new JsonObject();
    this.at++;
    let next = this.next(0x7d, true);
    for (; next > 0; next = this.next(0x7d, false)) {
      this.space();
      const name = this.peek() == 0x22 ? this.string() : null;
      this.space();
      if (name === null || this.peek() != 0x3a) return null;
      this.at++;
      const value = this.value(depth);
      if (value === null) return null;
      object.names.push(name);
      object.values.push(value);
    }
    return next == 0 ? object : null;
  }

  /** Moves past decimal digits; returns how many there were. */
  digits(): i32 {
    const start = this.at;
    while (isDigit(this.peek())) this.at++;
    return this.at - start;
  }

  /** A number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
  number(): JsonNumber | null {
    const start = this.at;
    if (this.peek() == 0x2d) this.at++;
    const first = this.peek();
    const digits = this.digits();
    if (digits == 0 || digits > 1 && first == 0x30) return null;
    if (this.peek() == 0x2e) {
      this.at++;
      if (this.digits() == 0) return null;
    }
    if ((this.peek() | 0x20) == 0x65) {
      this.at++;
      if (this.peek() == 0x2b || this.peek() == 0x2d) this.at++;
      if (this.digits() == 0) return null;
    }
    return new JsonNumber(this.text.substring(start, this.at));
  }

  /** The 4 hex digits of a \u escape; -1 if they are not there. */
  hex4(): i32 {
    if (this.at + 4 > this.text.length) return -1;
    let unit = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.text.charCodeAt(this.at++);
      const digit = isDigit(c) ? c - 0x30 : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 0x61 + 10 : -1;
      if (digit < 0) return -1;
      unit = unit << 4 | digit;
    }
    return unit;
  }

  /** A string whose opening quote is at `at`, unescaped. */
  string(): string | null {
    // most strings have no escape: their text as it is, without the parts below
    const start = this.at + 1;
    for (let i = start; i < this.text.length; i++) {
      const c = this.text.charCodeAt(i);
      if (c == 0x22) {
        this.at = i + 1;
        return this.text.substring(start, i);
      }
      if (c == 0x5c || c < 0x20) break;
    }
    const parts = new Array<string>();
    this.at++;
    let run = this.at; // where the characters not yet in parts begin
    for (;;) {
      const c = this.peek();
      if (c < 0x20) return null; // the end of the text, or a control character
      if (c == 0x22) break;
      if (c != 0x5c) {
        this.at++;
        continue;
      }
      parts.push(this.text.substring(run, this.at));
      this.at++;
      const e = this.peek();
      this.at++;
      let unit = e == 0x22 || e == 0x5c || e == 0x2f ? e : e == 0x62 ? 0x08 : e == 0x66 ? 0x0c
        : e == 0x6e ? 0x0a : e == 0x72 ? 0x0d : e == 0x74 ? 0x09 : e == 0x75 ? this.hex4() : -1;
      if (unit < 0 || isSurrogate(unit, true)) return null;
      if (isSurrogate(unit, false)) { // a high surrogate: a low one must follow
        const low = this.word("\\u") ? this.hex4() : -1;
        if (!isSurrogate(low, true)) return null;
        parts.push(String.fromCharCode(unit, low));
      } else {
        parts.push(String.fromCharCode(unit));
      }
      run = this.at;
    }
    parts.push(this.text.substring(run, this.at));
    this.at++;
    return parts.join("");
  }
}
