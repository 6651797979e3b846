// sdk-inventory.js: what the official CometChat JS SDK makes of server JSON.
//
//   node sdk-inventory.js [--only=HELPER,...] SDK_DIR INPUT.ndjson > OUTPUT.ndjson
//
// --only runs just the helpers named (as "helper" names them in the
// output, e.g. --only=CometChatHelper.processMessage,UsersRequest.fetchNext):
// a test that needs one object per document runs faster without the rest.
//
// SDK_DIR is a folder where `npm install` put @cometchat-pro/chat (3.x) or
// @cometchat/chat-sdk-javascript (4.x) (or the package folder itself). INPUT
// holds one server document a line, in the REST v3 wire shape: a message, a
// user, a group, a group member, a conversation or (4.x) a reaction. A line
// may also be {"kind": K, "doc": D} to name the kind instead of letting the
// script guess it from the document's keys.
//
// Every public way the SDK has to build an object from such JSON is run on
// each document: CometChatHelper.processMessage and getConversationFromMessage
// directly, and the request classes and getters (UsersRequest, getUser,
// GroupsRequest, getGroup, GroupMembersRequest, ConversationsRequest,
// getConversation, MessagesRequest, getMessageDetails, getMessageReceipts,
// ReactionsRequest) through a fake transport: the SDK's own fetch() is
// answered in process, so nothing leaves the machine. The transport wraps
// the document as a list reply ({"data": [doc], "meta": {"pagination": ...}},
// message lists with a "cursor" in meta too) or a single reply ({"data":
// doc}); those envelopes are what the SDKs read, not a recording of live
// traffic. Each result is written with JSON.stringify, as an app would, one
// line per (input line, helper), and one per element for list helpers:
//
//   {"line": 3, "kind": "user", "sdk": "4.2.0", "helper": "UsersRequest.fetchNext",
//    "request": "GET /v3.0/users", "class": "User", "object": {...}}
//
// "class" is null when the SDK returned nothing; "error" holds what it threw.
// The SDK needs a logged-in user for most getters: the script logs in as
// LOGGED_IN_UID, answering the SDK's own login call. That uid decides 4.x's
// mentionedMe and which party getConversationFromMessage calls the other.
"use strict";

const fs = require("fs");
const path = require("path");

const LOGGED_IN_UID = "inventory-me";

// The browser pieces the bundles touch while they load, init and log in.
// processMessage alone needs only a global `window`; init and login need
// storage, event hooks and a document.
function browserShim() {
  const items = new Map();
  const storage = {
    getItem: (k) => (items.has(k) ? items.get(k) : null),
    setItem: (k, v) => items.set(k, String(v)),
    removeItem: (k) => items.delete(k),
    clear: () => items.clear(),
    key: (i) => [...items.keys()][i] ?? null,
    get length() {
      return items.size;
    },
  };
  const noop = () => {};
  const element = () => ({ style: {}, setAttribute: noop, appendChild: noop });
  global.window = globalThis;
  globalThis.localStorage = storage;
  globalThis.sessionStorage = storage;
  globalThis.addEventListener = noop;
  globalThis.removeEventListener = noop;
  globalThis.document = {
    addEventListener: noop,
    removeEventListener: noop,
    querySelector: () => null,
    querySelectorAll: () => [],
    getElementsByTagName: () => [],
    createElement: element,
    head: element(),
    body: element(),
    hidden: false,
    visibilityState: "visible",
  };
  try {
    Object.defineProperty(globalThis, "navigator", {
      value: { userAgent: "node", onLine: true, language: "en" },
      configurable: true,
    });
  } catch (e) {
    // an older Node without a global navigator: plain assignment works there
    globalThis.navigator = { userAgent: "node", onLine: true, language: "en" };
  }
  globalThis.location = { href: "http://localhost/", protocol: "http:", host: "localhost", hostname: "localhost", origin: "http://localhost" };
}

function loadSDK(dir) {
  for (const name of ["@cometchat/chat-sdk-javascript", "@cometchat-pro/chat"]) {
    for (const base of [dir, path.join(dir, "..", ".."), path.join(dir, "..")]) {
      let main;
      try {
        main = require.resolve(name, { paths: [path.resolve(base)] });
      } catch (e) {
        continue;
      }
      const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(main), "package.json"), "utf8"));
      return { name, version: pkg.version, CometChat: require(main).CometChat };
    }
  }
  throw new Error("no CometChat SDK under " + dir);
}

// --- the fake transport -----------------------------------------------------

// answer is what the next API call gets back: a function of the request path.
let answer = () => ({ data: {} });
let requests = [];

const pagination = (n) => ({ pagination: { total: n, count: n, per_page: 30, current_page: 1, total_pages: 1 } });
const list = (doc) => () => ({ data: [doc], meta: pagination(1) });
const one = (doc) => () => ({ data: doc });
// Message lists of the client API carry a cursor, which 3.x reads without
// checking that it is there.
const messageList = (doc) => () => ({
  data: [doc],
  meta: { pagination: pagination(1), cursor: { affix: "prepend", sentAt: doc.sentAt, id: doc.id } },
});

globalThis.fetch = async (url, opts) => {
  const u = new URL(String(url));
  const method = (opts && opts.method) || "GET";
  let body;
  if (/\/me$/.test(u.pathname) && method !== "GET") {
    body = { data: { uid: LOGGED_IN_UID, name: "Inventory Me", status: "online", authToken: LOGGED_IN_UID + "_token" } };
  } else {
    requests.push(method + " " + u.pathname);
    body = answer(u.pathname);
  }
  const text = JSON.stringify(body);
  return {
    ok: true,
    status: 200,
    json: async () => JSON.parse(text),
    text: async () => text,
    headers: { get: () => null },
  };
};

// --- kinds and helpers --------------------------------------------------------

function kindOf(doc) {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return "unknown";
  if ("category" in doc) return "message";
  if ("conversationType" in doc && "conversationWith" in doc) return "conversation";
  if ("reaction" in doc && "messageId" in doc) return "reaction";
  if ("uid" in doc && ("scope" in doc || "joinedAt" in doc)) return "groupMember";
  if ("uid" in doc) return "user";
  if ("guid" in doc) return "group";
  return "unknown";
}

// helpers returns [name, answer, call] triples for a document of a kind:
// the transport gives answer to the SDK, and call builds the object (helpers
// fed the document directly get a fresh copy as their argument, so that no
// helper sees what another did with it; the transport copies by serialising).
function helpers(C, kind, doc) {
  const h = [];
  switch (kind) {
    case "message": {
      const group = doc.receiverType === "group";
      h.push(["CometChatHelper.processMessage", null, (d) => C.CometChatHelper.processMessage(d)]);
      h.push([
        "MessagesRequest.fetchPrevious",
        messageList(doc),
        () => {
          const b = new C.MessagesRequestBuilder().setLimit(30);
          return (group ? b.setGUID(String(doc.receiver)) : b.setUID(String(doc.receiver))).build().fetchPrevious();
        },
      ]);
      h.push(["getMessageDetails", one(doc), () => C.getMessageDetails(String(doc.id || "1"))]);
      h.push(["CometChatHelper.getConversationFromMessage", null, (d) => C.CometChatHelper.getConversationFromMessage(d)]);
      if (doc.category === "action" && C.Action.actionFromJSON) h.push(["Action.actionFromJSON", null, (d) => C.Action.actionFromJSON(d)]);
      if (doc.category === "call" && C.Call.callFromJSON) h.push(["Call.callFromJSON", null, (d) => C.Call.callFromJSON(d)]);
      if ("receipts" in doc) h.push(["getMessageReceipts", one(doc), () => C.getMessageReceipts(String(doc.id || "1"))]);
      break;
    }
    case "user":
      h.push(["UsersRequest.fetchNext", list(doc), () => new C.UsersRequestBuilder().setLimit(30).build().fetchNext()]);
      h.push(["getUser", one(doc), () => C.getUser(String(doc.uid))]);
      h.push(["new User(json)", null, (d) => new C.User(d)]);
      break;
    case "group":
      h.push(["GroupsRequest.fetchNext", list(doc), () => new C.GroupsRequestBuilder().setLimit(30).build().fetchNext()]);
      h.push(["getGroup", one(doc), () => C.getGroup(String(doc.guid))]);
      break;
    case "groupMember": {
      const guid = String(doc.guid || "inventory-group");
      h.push(["GroupMembersRequest.fetchNext", list(doc), () => new C.GroupMembersRequestBuilder(guid).setLimit(30).build().fetchNext()]);
      h.push(["BannedMembersRequest.fetchNext", list(doc), () => new C.BannedMembersRequestBuilder(guid).setLimit(30).build().fetchNext()]);
      break;
    }
    case "conversation": {
      const w = doc.conversationWith || {};
      const id = String(doc.conversationType === "group" ? w.guid : w.uid);
      h.push(["ConversationsRequest.fetchNext", list(doc), () => new C.ConversationsRequestBuilder().setLimit(30).build().fetchNext()]);
      h.push(["getConversation", one(doc), () => C.getConversation(id, doc.conversationType)]);
      // The REST reference shows the single-conversation endpoints with
      // data as an array of one: see what the SDK makes of that too.
      h.push(["getConversation (data as array)", () => ({ data: [doc] }), () => C.getConversation(id, doc.conversationType)]);
      break;
    }
    case "reaction":
      if (C.ReactionsRequestBuilder) {
        h.push([
          "ReactionsRequest.fetchNext",
          () => ({ data: [doc], meta: { current: { limit: 10, count: 1 } } }),
          () => new C.ReactionsRequestBuilder().setMessageId(Number(doc.messageId) || 1).setLimit(10).build().fetchNext(),
        ]);
      }
      break;
  }
  return h;
}

// classOf names the SDK class of x, most specific first.
function classOf(C, x) {
  const names = [
    "TextMessage", "MediaMessage", "CustomMessage", "InteractiveMessage", "CardMessage", "AIAssistantMessage",
    "AIToolResultMessage", "AIToolArgumentMessage", "Action", "Call", "BaseMessage",
    "GroupMember", "User", "Group", "Conversation", "MessageReceipt", "Reaction", "ReactionCount",
  ];
  for (const n of names) {
    if (typeof C[n] === "function" && x instanceof C[n]) return n;
  }
  // Classes a version does not export (3.x has no MessageReceipt export):
  // told by a getter of their own.
  if (x && typeof x.getReceiptType === "function") return "MessageReceipt";
  return x && x.constructor ? "other:" + x.constructor.name : typeof x;
}

// An SDK bug can throw outside the promise it returned (3.x does, in
// MessagesRequest, on a reply it does not expect), which would end the run
// or leave the promise pending: settle turns that into a rejection of the
// current helper, and gives up after HELPER_TIMEOUT_MS.
const HELPER_TIMEOUT_MS = 5000;
let failCurrent = null;
function stray(e) {
  if (failCurrent) {
    failCurrent(e);
    return;
  }
  fail(e);
}
process.on("uncaughtException", stray);
process.on("unhandledRejection", stray);

function settle(f) {
  let timer;
  const failed = new Promise((_, reject) => {
    failCurrent = reject;
    timer = setTimeout(() => reject(new Error("the SDK did not answer within " + HELPER_TIMEOUT_MS + " ms")), HELPER_TIMEOUT_MS);
  });
  return Promise.race([Promise.resolve().then(f), failed]).finally(() => {
    clearTimeout(timer);
    failCurrent = null;
  });
}

function errorText(e) {
  if (e instanceof Error) return e.message;
  try {
    return JSON.stringify(e);
  } catch (_) {
    return String(e);
  }
}

function result(C, x) {
  if (x === undefined || x === null) return { class: null };
  return { class: classOf(C, x), object: JSON.parse(JSON.stringify(x)) };
}

function write(line) {
  process.stdout.write(JSON.stringify(line) + "\n");
}

async function main() {
  let only = null;
  const args = [];
  for (const a of process.argv.slice(2)) {
    if (a.startsWith("--only=")) only = new Set(a.slice("--only=".length).split(",").filter((x) => x));
    else args.push(a);
  }
  const [dir, input] = args;
  if (!dir || !input || args.length !== 2) {
    process.stderr.write("usage: node sdk-inventory.js [--only=HELPER,...] SDK_DIR INPUT.ndjson\n");
    process.exit(2);
  }
  browserShim();
  const sdk = loadSDK(dir);
  const C = sdk.CometChat;
  const settings = new C.AppSettingsBuilder().setRegion("us");
  if (typeof settings.autoEstablishSocketConnection === "function") settings.autoEstablishSocketConnection(false);
  await C.init("inventory", settings.build());
  await C.login(LOGGED_IN_UID + "_token");

  const lines = fs.readFileSync(input, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    const base = { line: i + 1, sdk: sdk.version };
    let doc, kind;
    try {
      doc = JSON.parse(lines[i]);
    } catch (e) {
      write({ ...base, error: "input: " + e.message });
      continue;
    }
    if (doc && typeof doc === "object" && Object.keys(doc).length === 2 && "kind" in doc && "doc" in doc) {
      kind = doc.kind;
      doc = doc.doc;
    } else {
      kind = kindOf(doc);
    }
    const hs = helpers(C, kind, doc).filter(([name]) => !only || only.has(name));
    if (hs.length === 0) {
      write({ ...base, kind, error: only ? "none of the helpers named by --only builds this kind" : "no SDK helper builds this kind" });
      continue;
    }
    for (const [name, ans, call] of hs) {
      const out = { ...base, kind, helper: name };
      answer = ans || (() => ({ data: {} }));
      requests = [];
      let got;
      try {
        got = await settle(() => call(JSON.parse(JSON.stringify(doc))));
      } catch (e) {
        out.error = errorText(e);
      }
      if (requests.length) out.request = requests.join(", ");
      if (out.error !== undefined) {
        write({ ...out, class: null });
      } else if (Array.isArray(got)) {
        // A list helper: one line per element (none for an empty list).
        if (got.length === 0) write({ ...out, returned: "array of 0", class: null });
        got.forEach((x, i) => write({ ...out, returned: "array of " + got.length, index: i, ...result(C, x) }));
      } else {
        write({ ...out, ...result(C, got) });
      }
    }
  }
  // The SDK leaves timers running (analytics, presence): end here, once
  // standard output has taken everything (a pipe may still be draining).
  process.stdout.write("", () => process.exit(0));
}

function fail(e) {
  process.stderr.write("sdk-inventory: " + errorText(e) + "\n");
  process.stdout.write("", () => process.exit(1));
}

main().catch(fail);
