package types_test

import (
	"fmt"

	"github.com/ccconform/ccconform/types"
)

func ExampleDecode() {
	doc, err := types.Decode([]byte(`{
		"id": "1", "sender": "cometchat-uid-3", "receiver": "cometchat-uid-5", "receiverType": "user",
		"category": "message", "type": "text", "sentAt": 1638423490,
		"data": {"text": "hello", "entities": {
			"sender": {"entity": {"uid": "cometchat-uid-3", "name": "Nancy Grace", "status": "offline"}, "entityType": "user"},
			"receiver": {"entity": {"uid": "cometchat-uid-5", "name": "John Paul", "status": "offline"}, "entityType": "user"}}}
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	switch m := doc.(type) {
	case *types.RESTTextMessage:
		fmt.Printf("%s from %s: %q\n", m.Kind(), m.Data.Entities.Sender.User().Name, m.Data.Text)
	case *types.TextMessage:
		fmt.Printf("%s from %s: %q\n", m.Kind(), m.Sender.Name, m.Text)
	}
	// Output: textMessage from Nancy Grace: "hello"
}

func ExampleDetect() {
	for _, doc := range []string{
		`{"uid": "superhero1", "name": "Iron Man", "status": "online"}`,
		`{"uid": "superhero1", "scope": "admin", "joinedAt": 1543921899}`,
		`{"guid": "avengers", "name": "Avengers", "type": "public", "scope": "admin"}`,
		`{"category": "message", "type": "image", "sender": "superhero1"}`,
		`{"category": "message", "type": "sticker"}`,
	} {
		k, p, err := types.Detect([]byte(doc))
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(k, p)
	}
	// Output:
	// user docs
	// groupMember docs
	// group rest
	// mediaMessage rest
	// error: /type: message type "sticker" is not valid for category "message": expected one of text, image, video, audio, file, custom
}
