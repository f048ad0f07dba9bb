// Parses .ics files with ical.js (Mozilla's parser, used by Thunderbird and many web
// clients). Arguments: files, or folders whose *.ics files are read. Prints JSON
// {"files": n, "events": n, "alarms": n, "todos": n, "errors": {"file": "message", ...}};
// exits 1 on any error.
"use strict";
const ICAL = require("ical.js");
const fs = require("fs");
const path = require("path");

const files = [];
for (const arg of process.argv.slice(2)) {
  if (fs.statSync(arg).isDirectory()) {
    for (const name of fs.readdirSync(arg).sort()) {
      if (name.endsWith(".ics")) files.push(path.join(arg, name));
    }
  } else {
    files.push(arg);
  }
}
const errors = {};
let events = 0;
let alarms = 0;
let todos = 0;
for (const file of files) {
  try {
    const calendar = new ICAL.Component(ICAL.parse(fs.readFileSync(file, "utf8")));
    if (calendar.name !== "vcalendar") throw new Error(`not a VCALENDAR: ${calendar.name}`);
    for (const component of calendar.getAllSubcomponents("vevent")) {
      const event = new ICAL.Event(component);
      if (!event.uid) throw new Error("a VEVENT without UID");
      if (!event.startDate || !event.startDate.isDate) {
        throw new Error(`${event.uid}: DTSTART is not an all-day date`);
      }
      if (event.endDate.compare(event.startDate) <= 0) {
        throw new Error(`${event.uid}: DTEND not after DTSTART`);
      }
      for (const alarm of component.getAllSubcomponents("valarm")) {
        const trigger = alarm.getFirstPropertyValue("trigger");
        if (!trigger) throw new Error(`${event.uid}: a VALARM without TRIGGER`);
        alarms++;
      }
      events++;
    }
    for (const todo of calendar.getAllSubcomponents("vtodo")) {
      const uid = todo.getFirstPropertyValue("uid");
      if (!uid) throw new Error("a VTODO without UID");
      const due = todo.getFirstPropertyValue("due");
      if (!due || !due.isDate) throw new Error(`${uid}: DUE is not an all-day date`);
      if (!todo.getFirstPropertyValue("status")) throw new Error(`${uid}: a VTODO without STATUS`);
      if (!todo.getFirstPropertyValue("related-to")) {
        throw new Error(`${uid}: a VTODO not RELATED-TO its duty`);
      }
      todos++;
    }
  } catch (error) {
    errors[file] = String(error && error.message ? error.message : error);
  }
}
process.stdout.write(JSON.stringify({ files: files.length, events, alarms, todos, errors }));
process.exitCode = Object.keys(errors).length ? 1 : 0;
