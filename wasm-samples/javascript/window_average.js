// A window function (deploy with WasmWindowFunction): the average of the values in the window, per
// message key. Each record's value is a number in text ("2.5"); the output is a JSON object from
// key to average, keys in sorted order, records without a key under "". With
// --window-length-duration-ms 10000 --sliding-interval-duration-ms 5000 it averages the last ten
// seconds every five (a sliding time window). A value that is not a number fails the window,
// naming the record, and Pulsar delivers its records again.
export function process(records, ctx) {
  const sums = new Map();
  records.forEach((record, index) => {
    const value = Number(record.text);
    if (record.text.trim() === '' || !Number.isFinite(value)) {
      throw new Error(`window record ${index}: '${record.text}' is not a number`);
    }
    const key = record.key ?? '';
    const [sum, count] = sums.get(key) ?? [0, 0];
    sums.set(key, [sum + value, count + 1]);
  });
  // fromEntries makes each key a property of its own, "__proto__" too
  const averages = Object.fromEntries(
    [...sums.keys()].sort().map((key) => [key, sums.get(key)[0] / sums.get(key)[1]]));
  ctx.log.debug(`averaged ${records.length} records over ${sums.size} keys`);
  return JSON.stringify(averages);
}
