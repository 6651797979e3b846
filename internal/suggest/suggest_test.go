package suggest

import (
	"strings"
	"testing"
)

func TestClosest(t *testing.T) {
	names := []string{"message_sent", "message_edited", "group_created"}
	for in, want := range map[string]string{
		"mesage_sent":            "message_sent",
		"MESSAGE_SENT":           "message_sent",
		"message_edtied":         "message_edited",
		"user_blocked":           "",
		strings.Repeat("x", 1e6): "",
	} {
		if got := Closest(in, names); got != want {
			t.Errorf("Closest(%.20q) = %q, want %q", in, got, want)
		}
	}
	if d := Distance("abc", "acb"); d != 1 {
		t.Errorf("a transposition costs %d, want 1", d)
	}
}
