//! JSON literals (`` `...` ``) read as Python's `json.loads` reads them:
//! an object keeps its members' order (a repeated key keeps its first
//! place and its last value), a number without a fraction or exponent is
//! an integer (`-0` is 0, `12345678901234567890` stays exact), any other a
//! float. The `jmespath` crate has parsed the literal already, into
//! sorted maps and `serde_json` numbers, so the text is read again here.

use super::value::Value;

/// The literal whose opening backtick is at byte `offset` of
/// `expression`, or None if there is none there or it does not read.
pub(super) fn literal_at(expression: &str, offset: usize) -> Option<Value<'static>> {
    let body = expression.get(offset..)?.strip_prefix('`')?;
    let text = literal_body(body)?.replace("\\`", "`");
    let mut reader = Reader { text: &text, at: 0 };
    let value = reader.value()?;
    reader.skip_space();
    (reader.at == text.len()).then_some(value)
}

/// A whole JSON document read as a literal is (Python's `json.loads`):
/// the compliance suite's files, with their objects' order.
#[cfg(test)]
pub(super) fn json(text: &str) -> Option<Value<'static>> {
    let mut reader = Reader { text, at: 0 };
    let value = reader.value()?;
    reader.skip_space();
    (reader.at == text.len()).then_some(value)
}

/// The text up to the closing backtick; `` \` `` does not close it.
fn literal_body(body: &str) -> Option<&str> {
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        match c {
            '`' if !escaped => return body.get(..i),
            '\\' => escaped = !escaped,
            _ => escaped = false,
        }
    }
    None
}

/// A JSON reader over text the `jmespath` crate has already accepted
/// (which bounds its nesting: `serde_json` refuses 128 levels); anything
/// it does not expect makes it give up.
struct Reader<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> Reader<'t> {
    fn rest(&self) -> &'t str {
        self.text.get(self.at..).unwrap_or_default()
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        let trimmed = rest.trim_start_matches([' ', '\t', '\n', '\r']);
        self.at += rest.len() - trimmed.len();
    }

    fn eat(&mut self, token: &str) -> bool {
        self.skip_space();
        let found = self.rest().starts_with(token);
        if found {
            self.at += token.len();
        }
        found
    }

    fn value(&mut self) -> Option<Value<'static>> {
        self.skip_space();
        let first = self.rest().chars().next()?;
        match first {
            '{' => self.object(),
            '[' => self.array(),
            '"' => self.string().map(Value::Str),
            '-' | '0'..='9' => self.number(),
            _ if self.eat("true") => Some(Value::Bool(true)),
            _ if self.eat("false") => Some(Value::Bool(false)),
            _ if self.eat("null") => Some(Value::Null),
            _ => None,
        }
    }

    fn object(&mut self) -> Option<Value<'static>> {
        self.eat("{");
        let mut fields: Vec<(String, Value<'static>)> = Vec::new();
        if self.eat("}") {
            return Some(Value::Object(fields));
        }
        loop {
            self.skip_space();
            let key = self.string()?;
            if !self.eat(":") {
                return None;
            }
            let value = self.value()?;
            match fields.iter_mut().find(|(k, _)| *k == key) {
                Some((_, slot)) => *slot = value,
                None => fields.push((key, value)),
            }
            if self.eat("}") {
                return Some(Value::Object(fields));
            }
            if !self.eat(",") {
                return None;
            }
        }
    }

    fn array(&mut self) -> Option<Value<'static>> {
        self.eat("[");
        let mut items = Vec::new();
        if self.eat("]") {
            return Some(Value::Array(items));
        }
        loop {
            items.push(self.value()?);
            if self.eat("]") {
                return Some(Value::Array(items));
            }
            if !self.eat(",") {
                return None;
            }
        }
    }

    fn number(&mut self) -> Option<Value<'static>> {
        let rest = self.rest();
        let len = rest
            .find(|c: char| !matches!(c, '0'..='9' | '-' | '+' | '.' | 'e' | 'E'))
            .unwrap_or(rest.len());
        let text = rest.get(..len)?;
        self.at += len;
        if text.contains(['.', 'e', 'E']) {
            return text.parse().ok().map(Value::Float);
        }
        // An integer past i128 (Python keeps any) is the nearest float.
        match text.parse::<i128>() {
            Ok(n) => Some(Value::Int(n)),
            Err(_) => text.parse().ok().map(Value::Float),
        }
    }

    /// A string with its escapes decoded; `\uXXXX` pairs make one
    /// character beyond the BMP.
    fn string(&mut self) -> Option<String> {
        if !self.rest().starts_with('"') {
            return None;
        }
        self.at += 1;
        let mut out = String::new();
        let mut units: Vec<u16> = Vec::new();
        loop {
            let c = self.rest().chars().next()?;
            self.at += c.len_utf8();
            if c == '\\' {
                let e = self.rest().chars().next()?;
                self.at += 1;
                if e == 'u' {
                    let hex = self.rest().get(..4)?;
                    units.push(u16::from_str_radix(hex, 16).ok()?);
                    self.at += 4;
                    continue;
                }
                flush_units(&mut units, &mut out);
                out.push(match e {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    '"' | '\\' | '/' => e,
                    _ => return None,
                });
                continue;
            }
            flush_units(&mut units, &mut out);
            if c == '"' {
                return Some(out);
            }
            out.push(c);
        }
    }
}

/// `\uXXXX` units decoded into `out`; a lone surrogate becomes U+FFFD
/// (Python would keep it, Rust strings cannot).
fn flush_units(units: &mut Vec<u16>, out: &mut String) {
    out.extend(char::decode_utf16(units.drain(..)).map(|c| c.unwrap_or('\u{fffd}')));
}
