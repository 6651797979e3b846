package types

import "encoding/json"

// MediaMessage is a message of category message that shares a file: an
// image, a video, an audio clip or any other file. This is the sdk profile:
// the documentation's MediaMessage.
type MediaMessage struct {
	MessageHeader
	// Sender is the user who sent the message.
	Sender User `json:"sender"`
	// Type is image, video, audio or file.
	Type MessageType `json:"type"`
	// Status is the status of the message.
	Status string `json:"status,omitempty"`
	// File is the file being uploaded; only a message being sent has it. A
	// received message has null here, or the file's URL.
	File *string `json:"file,omitempty" jsonschema:"nullable"`
	// URL is where the uploaded file can be fetched.
	URL string `json:"url" jsonschema:"format=uri"`
	// Metadata is extra information sent along with the message and
	// received without any processing.
	Metadata Metadata `json:"metadata,omitzero"`
	// Data repeats the URL and carries the sender and receiver objects.
	Data MediaMessageData `json:"data"`
}

// RESTMediaMessage is a media message as CometChat's REST API v3 sends it:
// the sender is a uid, the file's URL and attachments sit under data.
type RESTMediaMessage struct {
	MessageHeader
	WireFields
	// Sender is the uid of the user who sent the message.
	Sender string `json:"sender" jsonschema:"minLength=1"`
	// Type is image, video, audio or file.
	Type MessageType `json:"type"`
	// Data holds the file's URL or attachments and the sender and receiver
	// objects.
	Data MediaMessageData `json:"data"`
}

// MediaMessageData is the data of a media message. It has a url, attachments,
// or both.
type MediaMessageData struct {
	// URL is where the uploaded file can be fetched.
	URL string `json:"url,omitempty" jsonschema:"format=uri"`
	// Attachments describes the uploaded files (REST API).
	Attachments []Attachment `json:"attachments,omitzero" profile:"rest,sdk"`
	// Text is the caption of the media (REST API).
	Text string `json:"text,omitempty" profile:"rest,sdk"`
	// Metadata is extra information sent along with the message (REST API).
	Metadata Metadata `json:"metadata,omitzero" profile:"rest,sdk"`
	// Entities holds the sender and receiver objects.
	Entities MessageEntities `json:"entities"`
	// Resource names the client that sent the message, such as
	// "WEB-4_0_0-...", as the REST API and webhooks write it.
	Resource string `json:"resource,omitempty" profile:"rest,sdk"`
	Interactions
}

// Attachment describes one uploaded file of a media message.
type Attachment struct {
	// URL is where the file can be fetched.
	URL string `json:"url" jsonschema:"format=uri"`
	// Name is the file's name.
	Name string `json:"name,omitempty"`
	// MimeType is the file's media type, such as image/png.
	MimeType string `json:"mimeType,omitempty"`
	// Extension is the file's extension, such as png.
	Extension string `json:"extension,omitempty"`
	// Size is the file's size in bytes, as a number or a string of digits.
	Size json.RawMessage `json:"size,omitempty"`
}

// Kind returns KindMediaMessage.
func (*MediaMessage) Kind() Kind { return KindMediaMessage }

// Profile returns ProfileDocs.
func (*MediaMessage) Profile() Profile { return ProfileDocs }

// Kind returns KindMediaMessage.
func (*RESTMediaMessage) Kind() Kind { return KindMediaMessage }

// Profile returns ProfileREST.
func (*RESTMediaMessage) Profile() Profile { return ProfileREST }

// SenderID returns the uid of the message's sender.
func (m *MediaMessage) SenderID() string { return m.Sender.UID }

// SenderID returns the uid of the message's sender.
func (m *RESTMediaMessage) SenderID() string { return m.Sender }
