//! Window functions: the [`Window`] input type, which a [`Function`](crate::Function) deployed with
//! `WasmWindowFunction` takes (`type Input = Window`), decoded from the ABI's window input.

use crate::Input;

/// The magic that starts every window input: `PWIN`.
const MAGIC: &[u8; 4] = b"PWIN";
const KEY: u32 = 1;
const EVENT_TIME: u32 = 2;
const MESSAGE_ID: u32 = 4;
const TOPIC: u32 = 8;

/// One record of a window, as Pulsar delivered it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WindowRecord {
    /// The message value (empty for a message without one).
    pub value: Vec<u8>,
    /// The message key, if it has one.
    pub key: Option<String>,
    /// The event time in milliseconds, if the producer set one.
    pub event_time: Option<i64>,
    /// The message id in Pulsar's serialized form, if known.
    pub message_id: Option<Vec<u8>>,
    /// The topic the message came from, if known.
    pub topic: Option<String>,
    /// The message properties, in the order Pulsar gave them.
    pub properties: Vec<(String, String)>,
}

impl WindowRecord {
    /// A record with this value and nothing else (for tests).
    pub fn new(value: impl Into<Vec<u8>>) -> WindowRecord {
        WindowRecord { value: value.into(), ..WindowRecord::default() }
    }

    /// The same record with a key.
    pub fn with_key(mut self, key: &str) -> WindowRecord {
        self.key = Some(key.to_string());
        self
    }

    /// The same record with an event time.
    pub fn with_event_time(mut self, millis: i64) -> WindowRecord {
        self.event_time = Some(millis);
        self
    }

    /// The same record with one more property.
    pub fn with_property(mut self, name: &str, value: &str) -> WindowRecord {
        self.properties.push((name.to_string(), value.to_string()));
        self
    }

    /// The value as UTF-8 text, or an error naming the record's place.
    pub fn text(&self) -> Result<&str, String> {
        std::str::from_utf8(&self.value).map_err(|e| format!("a window record's value is not valid UTF-8: {}", e))
    }

    /// The value of a property, if the record has it.
    pub fn property(&self, name: &str) -> Option<&str> {
        self.properties.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// The records of one window, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Window {
    records: Vec<WindowRecord>,
}

impl Window {
    /// A window of these records (for tests).
    pub fn new(records: Vec<WindowRecord>) -> Window {
        Window { records }
    }

    /// The records, oldest first.
    pub fn records(&self) -> &[WindowRecord] {
        &self.records
    }

    /// The records, owned.
    pub fn into_records(self) -> Vec<WindowRecord> {
        self.records
    }

    /// The number of records.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether the window has no record.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The window in the ABI's encoding, as the host passes it (for tests of the bytes path).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        put_u32(&mut out, self.records.len() as u32);
        for record in &self.records {
            let flags = if record.key.is_some() { KEY } else { 0 }
                | if record.event_time.is_some() { EVENT_TIME } else { 0 }
                | if record.message_id.is_some() { MESSAGE_ID } else { 0 }
                | if record.topic.is_some() { TOPIC } else { 0 };
            put_u32(&mut out, flags);
            if let Some(key) = &record.key {
                put_bytes(&mut out, key.as_bytes());
            }
            if let Some(time) = record.event_time {
                out.extend_from_slice(&time.to_le_bytes());
            }
            if let Some(id) = &record.message_id {
                put_bytes(&mut out, id);
            }
            if let Some(topic) = &record.topic {
                put_bytes(&mut out, topic.as_bytes());
            }
            put_u32(&mut out, record.properties.len() as u32);
            for (name, value) in &record.properties {
                put_bytes(&mut out, name.as_bytes());
                put_bytes(&mut out, value.as_bytes());
            }
            put_bytes(&mut out, &record.value);
        }
        out
    }

    /// Decodes the ABI's window input; an error names what is wrong and where.
    pub fn decode(bytes: &[u8]) -> Result<Window, String> {
        let mut reader = Reader { bytes, at: 4 };
        if bytes.get(..4) != Some(&MAGIC[..]) {
            return Err("the input is not a window (no PWIN at its start): deploy with WasmWindowFunction".to_string());
        }
        let count = reader.u32()? as usize;
        // never trust a count for an allocation: each record takes at least 12 bytes
        let mut records = Vec::with_capacity(count.min(bytes.len() / 12));
        for index in 0..count {
            records.push(reader.record().map_err(|e| format!("window record {}: {}", index, e))?);
        }
        if reader.at != bytes.len() {
            return Err(format!("the window has {} bytes after its {} records", bytes.len() - reader.at, count));
        }
        Ok(Window { records })
    }
}

impl Input for Window {
    fn from_input(bytes: Vec<u8>) -> Result<Self, String> {
        Window::decode(&bytes)
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, length: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(length).filter(|end| *end <= self.bytes.len());
        let end = end.ok_or_else(|| format!("cut short at byte {} (wanted {} more)", self.at, length))?;
        let part = &self.bytes[self.at..end];
        self.at = end;
        Ok(part)
    }

    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn chunk(&mut self) -> Result<Vec<u8>, String> {
        let length = self.u32()? as usize;
        Ok(self.take(length)?.to_vec())
    }

    fn text(&mut self, what: &str) -> Result<String, String> {
        String::from_utf8(self.chunk()?).map_err(|_| format!("its {} is not valid UTF-8", what))
    }

    fn record(&mut self) -> Result<WindowRecord, String> {
        let flags = self.u32()?;
        let key = if flags & KEY != 0 { Some(self.text("key")?) } else { None };
        let event_time = if flags & EVENT_TIME != 0 {
            let b = self.take(8)?;
            Some(i64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
        } else {
            None
        };
        let message_id = if flags & MESSAGE_ID != 0 { Some(self.chunk()?) } else { None };
        let topic = if flags & TOPIC != 0 { Some(self.text("topic")?) } else { None };
        let count = self.u32()? as usize;
        let mut properties = Vec::with_capacity(count.min(self.bytes.len() / 8));
        for _ in 0..count {
            let name = self.text("property name")?;
            let value = self.text("property value")?;
            properties.push((name, value));
        }
        let value = self.chunk()?;
        Ok(WindowRecord { value, key, event_time, message_id, topic, properties })
    }
}

fn put_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_u32(out, bytes.len() as u32);
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_reads_back_what_was_written_with_absent_and_empty_parts() {
        let window = Window::new(vec![
            WindowRecord::new(*b"1").with_key("k").with_event_time(-5).with_property("a", "b").with_property("", ""),
            WindowRecord::new(Vec::new()),
            WindowRecord { message_id: Some(vec![8, 1]), topic: Some("t".to_string()), ..WindowRecord::new(*b"\x00\xff") },
        ]);
        assert_eq!(Window::decode(&window.to_bytes()), Ok(window.clone()));
        assert_eq!(Window::decode(&Window::new(Vec::new()).to_bytes()), Ok(Window::new(Vec::new())));
        // the empty window: magic and a count of 0
        assert_eq!(Window::new(Vec::new()).to_bytes(), b"PWIN\0\0\0\0".to_vec());
        // one record with the value "1" and nothing else: flags 0, no properties, value length 1
        assert_eq!(
            Window::new(vec![WindowRecord::new(*b"1")]).to_bytes(),
            b"PWIN\x01\0\0\0\0\0\0\0\0\0\0\0\x01\0\0\x001".to_vec()
        );
    }

    #[test]
    fn a_malformed_window_is_refused_naming_where() {
        assert_eq!(
            Window::decode(b"hello"),
            Err("the input is not a window (no PWIN at its start): deploy with WasmWindowFunction".to_string())
        );
        assert_eq!(Window::decode(b"PWIN\x01\0\0\0"), Err("window record 0: cut short at byte 8 (wanted 4 more)".to_string()));
        // a count far beyond the bytes allocates nothing large and fails
        assert_eq!(
            Window::decode(b"PWIN\xff\xff\xff\xff"),
            Err("window record 0: cut short at byte 8 (wanted 4 more)".to_string())
        );
        assert_eq!(
            Window::decode(b"PWIN\x01\0\0\0\x01\0\0\0\xff\xff\xff\xff"),
            Err("window record 0: cut short at byte 16 (wanted 4294967295 more)".to_string())
        );
        assert_eq!(
            Window::decode(b"PWIN\x01\0\0\0\x01\0\0\0\x01\0\0\0\xff\0\0\0\0\0\0\0\0"),
            Err("window record 0: its key is not valid UTF-8".to_string())
        );
        assert_eq!(Window::decode(b"PWIN\0\0\0\0x"), Err("the window has 1 bytes after its 0 records".to_string()));
    }
}

/// A window function natively, through the in-memory host, as a user's crate tests one.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod function_tests {
    use super::{Window, WindowRecord};
    use crate::testing::TestHost;
    use crate::{Context, Function};

    /// The longest value of each window; none for an empty one.
    struct Longest;

    impl Function for Longest {
        type Input = Window;
        type Output = String;
        type Error = String;

        fn init(_ctx: &Context) -> Result<Longest, String> {
            Ok(Longest)
        }

        fn process(&mut self, window: Window, ctx: &Context) -> Result<Option<String>, String> {
            if ctx.key().is_some() {
                return Err("a window has no current message".to_string());
            }
            let mut longest: Option<&str> = None;
            for record in window.records() {
                let text = record.text()?;
                if longest.map_or(true, |l| text.len() > l.len()) {
                    longest = Some(text);
                }
            }
            Ok(longest.map(str::to_string))
        }
    }

    #[test]
    fn a_window_function_gets_its_records_through_the_bytes_entry_point() {
        let host = TestHost::new();
        let mut function: Longest = host.init().unwrap();
        let window = Window::new(vec![WindowRecord::new(*b"a"), WindowRecord::new(*b"ccc").with_key("k"), WindowRecord::new(*b"bb")]);
        assert_eq!(host.process_bytes(&mut function, &window.to_bytes()), Ok(Some(b"ccc".to_vec())));
        assert_eq!(host.process_bytes(&mut function, &Window::default().to_bytes()), Ok(None));
        assert_eq!(
            host.process_bytes(&mut function, b"ccc"),
            Err("the input is not a window (no PWIN at its start): deploy with WasmWindowFunction".to_string())
        );
        assert_eq!(
            host.process(&mut function, Window::new(vec![WindowRecord::new(vec![0xff])])),
            Err("a window record's value is not valid UTF-8: invalid utf-8 sequence of 1 bytes from index 0".to_string())
        );
    }
}
