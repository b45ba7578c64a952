// A record function (WasmRecordFunction): the record arrives as a plain object (its JSON form)
// and goes back as one, which the host writes in the output schema. user-record.ts's twin:
// upper-cases the name and adds one to the age.
export function process(user, ctx) {
  if (user === null || typeof user !== "object" || typeof user.name !== "string") {
    throw new TypeError("input is not a user record");
  }
  return { ...user, name: user.name.toUpperCase(), age: user.age + 1 };
}
