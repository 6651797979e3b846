package generate

import (
	"fmt"
	"strings"

	"github.com/ccconform/ccconform/types"
)

// metadata invents free-form metadata in one of the shapes apps use.
func (s *src) metadata() types.Metadata {
	switch s.f.IntN(6) {
	case 0:
		return types.Metadata{"@private": map[string]any{"email": slug(s.f.FirstName()) + "@" + s.domain(), "contactNumber": s.f.Phone()}}
	case 1:
		return types.Metadata{"department": s.f.JobTitle(), "location": s.f.City(), "verified": s.f.Bool()}
	case 2:
		return types.Metadata{"preferences": map[string]any{
			"theme": pick(s, "dark", "light", "system"), "notifications": s.f.Bool(), "language": pick(s, "en", "fr", "ja", "es", "ar", "hi"),
		}}
	case 3:
		return types.Metadata{"score": s.f.IntN(10000), "badges": []any{s.f.Adjective(), s.f.Noun()}}
	case 4:
		return types.Metadata{"custom_key": s.f.Word(), "source": pick(s, "ios", "android", "web")}
	}
	return types.Metadata{}
}

// phrases are chat lines in several scripts, so that fixtures exercise
// more than ASCII.
var phrases = []string{
	"¿Nos vemos mañana a las diez?",
	"Merci pour le compte rendu 👍",
	"今日の会議は15時からです",
	"Спасибо, файл получил",
	"مرحبا، هل وصلت الرسالة؟",
	"Das klingt gut, bis später!",
	"नमस्ते, क्या आप आज फ्री हैं?",
	"好的，我马上到",
	"Ça marche — café à 16h ☕",
	"Ok 👌🏽",
	"🎉🎉🎉",
	"Zażółć gęślą jaźń",
}

// text invents a chat message of varied length and script.
func (s *src) text() string {
	switch s.f.IntN(8) {
	case 0:
		return pick(s, phrases...)
	case 1:
		return s.f.Interjection() + "! " + s.f.Emoji()
	case 2:
		return s.f.Question()
	case 3:
		// A long message: rarer, as in real chats.
		if s.f.IntN(3) != 0 {
			return s.f.Sentence()
		}
		var b strings.Builder
		for i, n := 0, 2+s.f.IntN(5); i < n; i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(s.f.Sentence())
		}
		return b.String()
	case 4:
		return s.f.Sentence() + " " + s.f.Emoji()
	case 5:
		return pick(s, "ok", "thanks!", "on my way", "lol", "👍", "sounds good", "brb", "done ✅", "can you call me?", "sure")
	case 6:
		return s.f.Phrase() + " " + s.f.Emoji()
	}
	return s.f.Phrase()
}

// mediaKinds gives the extensions and media types each message type's files
// have.
var mediaKinds = map[types.MessageType][][2]string{
	types.MessageImage: {{"jpg", "image/jpeg"}, {"png", "image/png"}, {"gif", "image/gif"}, {"webp", "image/webp"}},
	types.MessageVideo: {{"mp4", "video/mp4"}, {"mov", "video/quicktime"}, {"webm", "video/webm"}},
	types.MessageAudio: {{"mp3", "audio/mpeg"}, {"m4a", "audio/mp4"}, {"ogg", "audio/ogg"}, {"wav", "audio/wav"}},
	types.MessageFile:  {{"pdf", "application/pdf"}, {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}, {"zip", "application/zip"}, {"csv", "text/csv"}, {"txt", "text/plain"}},
}

// media invents an uploaded file of message type t: its URL, name,
// extension and media type.
func (s *src) media(t types.MessageType, sent int64) (url, name, ext, mime string) {
	k := pick(s, mediaKinds[t]...)
	ext, mime = k[0], k[1]
	name = slug(s.f.Noun()+"-"+s.f.Adjective()) + "." + ext
	url = fmt.Sprintf("https://data.chat.example.com/%s/media/%d_%s_%s", s.hex(11), sent, s.digits(9), name)
	return url, name, ext, mime
}

// customTypes are names apps give their custom messages, each with the shape
// of its customData.
var customTypes = []string{"location", "poll", "meeting", "contact", "product"}

func (s *src) customData(t string) types.Metadata {
	switch t {
	case "location":
		return types.Metadata{"latitude": s.f.Latitude(), "longitude": s.f.Longitude(), "label": s.f.Street()}
	case "poll":
		return types.Metadata{"question": s.f.Question(), "options": []any{s.f.Word(), s.f.Word(), s.f.Word()}, "multiple": s.f.Bool()}
	case "meeting":
		return types.Metadata{"title": s.f.BS(), "startsAt": s.epoch(), "durationMinutes": pick(s, 15, 30, 45, 60)}
	case "contact":
		return types.Metadata{"name": s.f.Name(), "phone": s.f.Phone()}
	}
	return types.Metadata{"sku": strings.ToUpper(s.hex(8)), "name": s.f.ProductName(), "price": float64(s.f.IntN(100000)) / 100}
}
