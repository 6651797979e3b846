// Decodes REST messages with the CometChat JS SDK, one JSON document a line
// on the file named by argv[2], and prints what the SDK made of each: one
// JSON object a line, in order. Run by TestSDKDecodes.
global.window = globalThis;
global.navigator = { userAgent: "node" };
const { CometChat } = require("@cometchat-pro/chat");
const fs = require("fs");

const classes = [
  ["TextMessage", CometChat.TextMessage],
  ["MediaMessage", CometChat.MediaMessage],
  ["CustomMessage", CometChat.CustomMessage],
  ["Action", CometChat.Action],
  ["Call", CometChat.Call],
];

function id(entity) {
  if (!entity) return null;
  if (entity.getGuid) return entity.getGuid();
  if (entity.getUid) return entity.getUid();
  if (entity.getId) return String(entity.getId());
  return null;
}

function className(x) {
  if (!x) return null;
  const found = classes.find(([, c]) => x instanceof c);
  return found ? found[0] : "unknown";
}

function call(m, name) {
  try {
    return typeof m[name] === "function" ? m[name]() : undefined;
  } catch (e) {
    return "THREW: " + e.message;
  }
}

for (const line of fs.readFileSync(process.argv[2], "utf8").split("\n")) {
  if (!line) continue;
  let out;
  try {
    const m = CometChat.CometChatHelper.processMessage(JSON.parse(line));
    if (!m) {
      out = { class: null };
    } else {
      const found = classes.find(([, c]) => m instanceof c);
      const attachment = call(m, "getAttachment");
      out = {
        class: found ? found[0] : "unknown",
        id: String(call(m, "getId")),
        category: call(m, "getCategory"),
        type: call(m, "getType"),
        receiverType: call(m, "getReceiverType"),
        sentAt: call(m, "getSentAt"),
        sender: id(call(m, "getSender")),
        receiver: id(call(m, "getReceiver")),
        text: call(m, "getText"),
        url: call(m, "getURL"),
        attachmentURL: attachment && attachment.getUrl ? attachment.getUrl() : null,
        customData: call(m, "getCustomData"),
        action: call(m, "getAction"),
        actionBy: id(call(m, "getActionBy")),
        actionOn: id(call(m, "getActionOn")),
        actionOnClass: className(call(m, "getActionOn")),
        actionOnEditedAt: (call(m, "getActionOn") || {}).editedAt,
        actionOnDeletedAt: (call(m, "getActionOn") || {}).deletedAt,
        actionOnText: call(call(m, "getActionOn") || {}, "getText"),
        conversationId: call(m, "getConversationId"),
        actionFor: id(call(m, "getActionFor")),
        sessionId: call(m, "getSessionId"),
        status: call(m, "getStatus"),
        callInitiator: id(call(m, "getCallInitiator")),
        callReceiver: id(call(m, "getCallReceiver")),
      };
    }
  } catch (e) {
    out = { class: null, error: e.message };
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}
