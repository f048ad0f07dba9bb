// Checks Adaptive Cards with Microsoft's own library, each against the version it declares.
// Reads {"name": card, ...} as JSON on stdin; prints {"name": [problem, ...], ...}.
"use strict";
const AC = require("adaptivecards/dist/adaptivecards.js");
const fs = require("fs");

const cards = JSON.parse(fs.readFileSync(0, "utf8"));
const problems = {};
for (const [name, json] of Object.entries(cards)) {
  const [major, minor] = String(json.version || "1.0").split(".").map(Number);
  const context = new AC.SerializationContext(new AC.Version(major, minor));
  const card = new AC.AdaptiveCard();
  card.parse(json, context);
  const found = [];
  for (let i = 0; i < context.eventCount; i++) {
    found.push(context.getEventAt(i).message);
  }
  for (const event of card.validateProperties().validationEvents) {
    found.push(event.message);
  }
  problems[name] = found;
}
process.stdout.write(JSON.stringify(problems));
