// pulsar-wasm's JavaScript prelude: evaluated once in every JavaScript engine instance, before the
// user's module. It builds `ctx` over the bridge to the host (the host functions in
// `__pulsar_natives`, which it removes from the global object), provides TextEncoder and
// TextDecoder, and evaluates to the dispatcher the host calls for each message and the describer
// of what a module threw.
//
// Bridge protocol (docs/abi.md, "The JavaScript bridge"): bridge(call, fields, length) takes and
// returns a list of fields, each `-` (null) or `<length>:<text>` (length in UTF-16 units). A call's
// arguments come in the order of its host call's parameters (HostImport): a value as its kind and
// text, a map as its count and entries. A result starting with `!` is a failure of the host or of
// Pulsar, thrown here as an Error. Text goes to the host with its length (it may hold U+0000, where
// a C string would end); text from the host that holds U+0000 comes as the array of its pieces.
// Bytes travel beside the text: the host stages the bytes it returns (take), and the guest stages
// the bytes it passes (stage), just before the call that takes them.
//
// The whole prelude is one function, so that nothing of it but what it installs (ctx's parts,
// console, TextEncoder, TextDecoder, __pulsar_register) is global; the builtins the bridge relies
// on are taken before the user's module can replace them.
(() => {
const apply = Reflect.apply;
const arrayJoin = Array.prototype.join;
const nativeToWellFormed = String.prototype.toWellFormed;
// then the ctx functions the host runs itself (see `direct` below), in the host's order
const [nativeBridge, take, stage, nativeEncode, nativeDecode, nativeOne, nativeLog, ...hostCtx] =
  globalThis.__pulsar_natives;
const HostError = Error;
delete globalThis.__pulsar_natives;

function joined(text) {
  return typeof text === 'string' ? text : apply(arrayJoin, text, ['\u0000']);
}

function bridge(name, fields) {
  return joined(nativeBridge(name, fields, fields.length));
}

// Text crosses to the host as UTF-8, which cannot hold a lone surrogate (a string cut inside a
// surrogate pair, say): each one becomes U+FFFD, as TextEncoder does. The length in UTF-16 units
// is unchanged, so the bridge's field lengths still hold.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ANY_SURROGATE = /[\uD800-\uDFFF]/;
const wellFormed = typeof nativeToWellFormed === 'function'
  ? (text) => apply(nativeToWellFormed, text, [])
  : (text) => (ANY_SURROGATE.test(text) ? text.replace(LONE_SURROGATE, '\uFFFD') : text);

const UTF8_LABELS = ['utf-8', 'utf8', 'unicode-1-1-utf-8'];

function bytesOf(what, input) {
  if (input instanceof ArrayBuffer) {
    return new Uint8Array(input);
  }
  if (ArrayBuffer.isView(input)) {
    return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  }
  throw new TypeError(what + ' must be an ArrayBuffer or a view of one, not ' + describe(input));
}

// TextEncoder and TextDecoder, UTF-8 only, as the WHATWG Encoding standard defines them
class TextEncoder {
  get encoding() {
    return 'utf-8';
  }

  encode(input = '') {
    const text = wellFormed(String(input));
    return text.length === 0 ? new Uint8Array(0) : new Uint8Array(nativeEncode(text, text.length));
  }

  encodeInto(input, destination) {
    if (!(destination instanceof Uint8Array)) {
      throw new TypeError('encodeInto writes into a Uint8Array, not ' + describe(destination));
    }
    const text = String(input);
    let read = 0;
    let written = 0;
    // whole code points only, as many as fit
    while (read < text.length) {
      const code = text.codePointAt(read);
      const units = code > 0xffff ? 2 : 1;
      const bytes = this.encode(text.slice(read, read + units));
      if (written + bytes.length > destination.length) {
        break;
      }
      destination.set(bytes, written);
      written += bytes.length;
      read += units;
    }
    return { read, written };
  }
}

class TextDecoder {
  #fatal;
  #ignoreBOM;

  constructor(label = 'utf-8', options = {}) {
    if (!UTF8_LABELS.includes(String(label).trim().toLowerCase())) {
      throw new RangeError('TextDecoder decodes utf-8 only, not ' + String(label));
    }
    this.#fatal = Boolean(options && options.fatal);
    this.#ignoreBOM = Boolean(options && options.ignoreBOM);
  }

  get encoding() {
    return 'utf-8';
  }

  get fatal() {
    return this.#fatal;
  }

  get ignoreBOM() {
    return this.#ignoreBOM;
  }

  decode(input = undefined) {
    if (input === undefined || input === null) {
      return '';
    }
    const bytes = bytesOf('TextDecoder.decode input', input);
    if (bytes.byteLength === 0) {
      return '';
    }
    const text = nativeDecode(bytes.buffer, bytes.byteOffset, bytes.byteLength, this.#fatal ? 1 : 0, this.#ignoreBOM ? 1 : 0);
    if (text === undefined) {
      throw new TypeError('The encoded data was not valid utf-8');
    }
    return joined(text);
  }
}

for (const [name, value] of [['TextEncoder', TextEncoder], ['TextDecoder', TextDecoder]]) {
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true });
}

const decoder = new TextDecoder();

function encode(fields) {
  let out = '';
  for (const field of fields) {
    if (field === null || field === undefined) {
      out += '-';
    } else {
      const text = String(field);
      out += text.length + ':' + text;
    }
  }
  return out;
}

function decode(text) {
  const fields = [];
  let at = 0;
  while (at < text.length) {
    if (text[at] === '-') {
      fields.push(null);
      at++;
      continue;
    }
    const colon = text.indexOf(':', at);
    const length = Number(text.slice(at, colon));
    fields.push(text.substr(colon + 1, length));
    at = colon + 1 + length;
  }
  return fields;
}

function call(name, ...fields) {
  const result = bridge(name, wellFormed(encode(fields)));
  if (result.charCodeAt(0) === 33) {
    throw new Error(result.slice(1));
  }
  return decode(result);
}

function readStaged(length) {
  const staged = take();
  if (staged === undefined || staged.byteLength !== length) {
    throw new Error('pulsar-wasm: the host staged other bytes than it announced');
  }
  return new Uint8Array(staged);
}

// Sets a property as data of the object itself, so that a name like __proto__ is a property too.
function own(object, name, value) {
  Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
}

function stagedOrNull(length) {
  return length === null ? null : readStaged(Number(length));
}

// A value passed to the host: text travels in the call, bytes are staged on stdout first.
function value(what, v) {
  if (typeof v === 'string') {
    return ['t', v];
  }
  if (v instanceof ArrayBuffer) {
    v = new Uint8Array(v);
  }
  if (ArrayBuffer.isView(v)) {
    if (v.byteLength > 0) {
      stage(v.buffer, v.byteOffset, v.byteLength);
    }
    return ['b', null];
  }
  throw new TypeError(what + ' must be a string or a Uint8Array, not ' + describe(v));
}

function describe(v) {
  if (v === null) {
    return 'null';
  }
  if (Array.isArray(v)) {
    return 'an array';
  }
  const type = typeof v;
  return (type === 'object' || type === 'undefined' ? 'an ' : 'a ') + (type === 'object' ? 'object' : type);
}

function text(what, v) {
  if (typeof v !== 'string') {
    throw new TypeError(what + ' must be a string, not ' + describe(v));
  }
  return v;
}

function show(args) {
  const shown = args.map((a) => {
    if (typeof a === 'string') {
      return a;
    }
    if (a instanceof Error) {
      return a.name + ': ' + a.message;
    }
    try {
      const json = JSON.stringify(a);
      return json === undefined ? String(a) : json;
    } catch (e) {
      return String(a);
    }
  });
  return apply(arrayJoin, shown, [' ']);
}

// Every ctx function is named __pulsar_ctx, so that a stack shows where the user's code called
// into ctx and nothing of the prelude above it (the prelude is compiled under the same file name as
// the user's module; see userStack). Named, not wrapped: every JavaScript call is dear here.
function logger(level) {
  return function __pulsar_ctx(...args) {
    // one string, the usual case, straight to the host (which makes it well-formed)
    const line = args.length === 1 && typeof args[0] === 'string' ? args[0] : show(args);
    const failure = nativeLog(level, line, line.length);
    if (failure !== undefined) {
      throw failure;
    }
  };
}


// A call with at most one text argument and one field back (`-` or `<length>:<text>`): most ctx
// calls. The host makes and reads the fields and makes the text well-formed; it answers with the
// text, null, the pieces of a text holding U+0000, or an Error to throw (a failure of the host).
function one(name, arg) {
  const result = arg === undefined ? nativeOne(name) : nativeOne(name, arg, arg.length);
  return result === null || typeof result === 'string' ? result : unusual(result);
}

// A result of nativeOne that is not plain text or null: a failure to throw, or the pieces of a
// text holding U+0000.
function unusual(result) {
  if (result instanceof HostError) {
    throw result;
  }
  return joined(result);
}

// The most frequent ctx calls, each one JavaScript function over nativeOne (every JavaScript call
// is dear in this engine): with one text argument, checked here, or with none.
function oneWithText(name, what) {
  return function __pulsar_ctx(arg) {
    if (typeof arg !== 'string') {
      throw new TypeError(what + ' must be a string, not ' + describe(arg));
    }
    const result = nativeOne(name, arg, arg.length);
    return result === null || typeof result === 'string' ? result : unusual(result);
  };
}

function oneWithout(name) {
  return function __pulsar_ctx() {
    const result = nativeOne(name);
    return result === null || typeof result === 'string' ? result : unusual(result);
  };
}

// The ctx functions the host runs itself, with no JavaScript between the user's call and the host
// (every JavaScript instruction is dear in this engine), and their JavaScript versions, in the
// host's order (JsDirectCtx): the host hands a call to its JavaScript version for what it does not
// handle itself (an argument that is not one string, a result holding U+0000).
const direct = [
  oneWithText('config', 'a config key'),
  oneWithText('secret', 'a secret name'),
  oneWithText('property', 'a property name'),
  oneWithout('key'),
  oneWithout('topic'),
  oneWithout('tenant'),
  oneWithout('namespace'),
  oneWithout('functionName'),
  // the log levels, by the codes the host call log takes
  logger(0),
  logger(1),
  logger(2),
  logger(3),
  logger(4),
];
if (hostCtx.length !== direct.length) {
  throw new Error('the host runs ' + hostCtx.length + ' ctx functions, the prelude knows ' + direct.length);
}
const [
  hostConfig, hostSecret, hostProperty, hostKey, hostTopic, hostTenant, hostNamespace, hostFunctionName,
  hostTrace, hostDebug, hostInfo, hostWarn, hostError,
] = hostCtx;

const log = Object.freeze({ trace: hostTrace, debug: hostDebug, info: hostInfo, warn: hostWarn, error: hostError });

const ctx = Object.freeze({
  log,
  config: hostConfig,
  secret: hostSecret,
  key: hostKey,
  topic: hostTopic,
  property: hostProperty,
  properties: function __pulsar_ctx() {
    // the count first, then name and value for each
    const fields = call('properties');
    const properties = {};
    for (let i = 1; i < fields.length; i += 2) {
      own(properties, fields[i], fields[i + 1]);
    }
    return properties;
  },
  eventTime: function __pulsar_ctx() {
    const time = one('eventTime');
    return time === null ? null : Number(time);
  },
  messageId: function __pulsar_ctx() {
    return stagedOrNull(one('messageId'));
  },
  schema: function __pulsar_ctx() {
    const schema = one('schema');
    return schema === null ? null : JSON.parse(schema);
  },
  tenant: hostTenant,
  namespace: hostNamespace,
  functionName: hostFunctionName,
  instanceId: function __pulsar_ctx() {
    return Number(one('instanceId'));
  },
  numInstances: function __pulsar_ctx() {
    return Number(one('numInstances'));
  },
  redeliveryCount: function __pulsar_ctx() {
    return Number(one('redeliveryCount'));
  },
  state: Object.freeze({
    get: function __pulsar_ctx(key) {
      return stagedOrNull(one('stateGet', text('a state key', key)));
    },
    getString: function __pulsar_ctx(key) {
      const bytes = stagedOrNull(one('stateGet', text('a state key', key)));
      return bytes === null ? null : decoder.decode(bytes);
    },
    put: function __pulsar_ctx(key, v) {
      const k = text('a state key', key);
      call('statePut', k, ...value('a state value', v));
    },
    delete: function __pulsar_ctx(key) {
      call('stateDelete', text('a state key', key));
    },
  }),
  counterIncr: function __pulsar_ctx(key, amount = 1) {
    if (!Number.isSafeInteger(amount)) {
      throw new TypeError('a counter amount must be a safe integer, not ' + String(amount));
    }
    call('counterIncr', text('a counter key', key), amount);
  },
  counterGet: function __pulsar_ctx(key) {
    return Number(one('counterGet', text('a counter key', key)));
  },
  publish: function __pulsar_ctx(topic, v, options = {}) {
    const t = text('a topic', topic);
    const key = options.key === undefined || options.key === null ? null : text('a message key', options.key);
    const fields = [];
    for (const [name, prop] of Object.entries(options.properties ?? {})) {
      fields.push(name, text('property ' + name, prop));
    }
    call('publish', t, ...value('a published value', v), key, fields.length / 2, ...fields);
  },
  recordMetric: function __pulsar_ctx(name, v) {
    if (typeof v !== 'number') {
      throw new TypeError('a metric value must be a number, not ' + describe(v));
    }
    call('recordMetric', text('a metric name', name), v);
  },
});

globalThis.console = Object.freeze({
  log: log.info,
  info: log.info,
  debug: log.debug,
  trace: log.trace,
  warn: log.warn,
  error: log.error,
});

// The per-message calls (input, output, error) pass their one value raw, after a one-letter kind.
function raw(name, text) {
  const result = bridge(name, wellFormed(text));
  if (result.charCodeAt(0) === 33) {
    throw new Error(result.slice(1));
  }
  return result;
}

// The stack of the user's code only. The prelude is compiled under the same file name as the
// user's module, so its frames would show as the user's file: the frames above the innermost ctx
// boundary (inside a ctx call) and from the dispatcher down are the prelude's, and are cut.
function userStack(stack) {
  let lines = String(stack).replace(/\s+$/, '').split('\n');
  const dispatcher = lines.findIndex((line) => line.includes('at __pulsar_dispatch '));
  if (dispatcher >= 0) {
    lines = lines.slice(0, dispatcher);
  }
  const inner = lines.findIndex((line) => line.includes('at __pulsar_ctx '));
  if (inner >= 0) {
    lines = lines.slice(inner + 1);
  }
  return lines.filter((line) => !line.includes('at __pulsar_ctx ')).join('\n');
}

function describeError(e, withStack) {
  try {
    const stack = withStack && e instanceof Error && e.stack ? userStack(e.stack) : '';
    return e instanceof Error
      ? e.name + ': ' + e.message + (stack ? '\n' + stack : '')
      : 'uncaught ' + show([e]);
  } catch (unprintable) {
    return 'uncaught exception (describing it threw too)';
  }
}

// The outcome of invocation `id` through the bridge: the host ignores one of an invocation that is
// over (a Promise of an earlier message settling late).
function failed(id, e, withStack = true) {
  raw('error', id + ';' + String(describeError(e, withStack)));
}

// The outcome of process as the host takes it, raw after its kind: `t` text, `n` none, `b` bytes
// staged.
function outcome(result, json) {
  if (typeof result === 'string') {
    return 't' + result;
  } else if (result === null || result === undefined) {
    return 'n';
  } else if (result instanceof Uint8Array || result instanceof ArrayBuffer) {
    value('the output', result);
    return 'b';
  } else if (json && typeof result === 'object') {
    return 't' + JSON.stringify(result);
  }
  throw new TypeError('process returned ' + describe(result) + '; it returns a string, a Uint8Array, '
    + (json ? 'an object (written as JSON), ' : '') + 'null or undefined');
}

// The outcome of an invocation, as the host takes it back: its raw text when that can travel as a
// C string (no U+0000), else '' after handing it over through the bridge.
function settled(id, result, json) {
  let out;
  try {
    out = wellFormed(outcome(result, json));
  } catch (e) {
    // what process returned cannot be sent (a wrong type, JSON.stringify refusing it): the stack
    // holds only the prelude's frames, so the message says what was wrong without one
    failed(id, e, false);
    return '';
  }
  if (out.indexOf('\u0000') >= 0) {
    raw('output', id + ';' + out);
    return '';
  }
  return out;
}

function settleLate(id, result, json) {
  const out = settled(id, result, json);
  if (out !== '') {
    raw('output', id + ';' + out);
  }
}

// A result the host does not take as it is (anything but a string, null or undefined): a Promise
// is awaited, anything else settled now.
function __pulsar_settle(result, json, id) {
  if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
    Promise.resolve(result).then((r) => settleLate(id, r, json), (e) => failed(id, e));
    return '';
  }
  return settled(id, result, json);
}

let process;

// Called by the line the host appends to the user's module: takes its process function.
Object.defineProperty(globalThis, '__pulsar_register', {
  value: (fn) => {
    process = fn;
    call('register', typeof fn === 'function' ? 'function' : null);
  },
});

// The dispatcher, for the inputs the host does not pass to process itself (bytes, and text
// holding U+0000): takes the input from the bridge, calls the user's process, and returns its
// outcome (or '' when the outcome went through the bridge, or will when a Promise settles).
function __pulsar_dispatch(id) {
  const input = raw('input', '');
  const form = input[0];
  const json = form === 'j';
  try {
    const value = form === 't' ? input.slice(1) : json ? JSON.parse(input.slice(1)) : readStaged(Number(input.slice(1)));
    return __pulsar_settle(process(value, ctx), json, id);
  } catch (e) {
    failed(id, e);
    return '';
  }
}

// What the host keeps. For text and records it calls process itself (one JavaScript call a
// message), and the rest only when process returns something else, or throws.
return [
  __pulsar_dispatch,
  (e) => describeError(e, true),
  __pulsar_settle,
  () => process,
  ctx,
  direct,
];
})();
