// A window function cut by event time (deploy with WasmWindowFunction and the timestamp extractor
// io.pulsarwasm.function.JsonEventTime, or `pulsar-wasm deploy --event-time`): each record's value
// is a JSON object with its event time and an amount, {"eventTime": 1733570130000, "amount": 3}
// (the time in epoch milliseconds or as an ISO-8601 text, as JsonEventTime reads it). The output
// is the window's record count, the sum of its amounts, and its earliest and latest event time in
// epoch milliseconds: {"count":3,"sum":7,"first":1733570121000,"last":1733570123000}. A record whose
// amount is not a number fails the window, naming the record.
export function process(records, ctx) {
  if (records.length === 0) {
    return null; // no output
  }
  let sum = 0;
  let first = Infinity;
  let last = -Infinity;
  records.forEach((record, index) => {
    const value = JSON.parse(record.text);
    const time = typeof value.eventTime === 'string' ? Date.parse(value.eventTime) : value.eventTime;
    if (typeof value.amount !== 'number') {
      throw new Error(`window record ${index}: amount ${JSON.stringify(value.amount)} is not a number`);
    }
    sum += value.amount;
    first = Math.min(first, time);
    last = Math.max(last, time);
  });
  ctx.log.debug(`summed ${records.length} records from ${first} to ${last}`);
  return JSON.stringify({ count: records.length, sum, first, last });
}
