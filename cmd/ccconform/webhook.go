package main

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ccconform/ccconform/fetch"
	"github.com/spf13/cobra"
)

// webhookAuthEnv names the environment variable that holds a webhook's
// Basic auth credentials, as user:password: on the command line they would
// show in ps and in shell history.
const webhookAuthEnv = "CCCONFORM_WEBHOOK_AUTH"

// newWebhookCmd returns the webhook command, the parent of send and
// listen.
func newWebhookCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "webhook",
		Short: "send webhook deliveries to a consumer, or receive and check them",
		Long: `Send webhook deliveries to a consumer as CometChat does (send), or receive
CometChat's deliveries and check each one (listen).

Both read Basic auth credentials from the environment variable
CCCONFORM_WEBHOOK_AUTH, as user:password; they never appear in any output.`,
		Example: `  # Check what CometChat delivers: point the app's webhook at this address
  ccconform webhook listen --listen 0.0.0.0:8688 --basic-auth

  # Fire deliveries of every trigger of the model at a consumer under test
  CCCONFORM_WEBHOOK_AUTH=hooks:s3cret ccconform webhook send -n 100 http://127.0.0.1:3000/cometchat
`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return nil
			}
			var names []string
			for _, s := range c.Commands() {
				names = append(names, s.Name())
			}
			msg := fmt.Sprintf("unknown command %q for %q", args[0], c.CommandPath())
			if s := closest(args[0], names); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			return errors.New(msg)
		},
		RunE: func(c *cobra.Command, args []string) error { return c.Help() },
	}
	c.AddCommand(newWebhookSendCmd(e, nil), newWebhookListenCmd(e, nil))
	for _, s := range c.Commands() {
		s.Flags().SortFlags = false
	}
	return c
}

// webhookAuth is the Basic auth of CCCONFORM_WEBHOOK_AUTH.
type webhookAuth struct {
	user, password string
	set            bool
}

// readWebhookAuth reads CCCONFORM_WEBHOOK_AUTH. An error never quotes the
// value.
func readWebhookAuth() (webhookAuth, error) {
	v := os.Getenv(webhookAuthEnv)
	if v == "" {
		return webhookAuth{}, nil
	}
	user, password, ok := strings.Cut(v, ":")
	if !ok || user == "" {
		return webhookAuth{}, fmt.Errorf("%s is not user:password (its value is not shown): set it as %s=hooks:s3cret", webhookAuthEnv, webhookAuthEnv)
	}
	return webhookAuth{user: user, password: password, set: true}, nil
}

// shortUser is the length, in bytes, under which the user name is masked
// only where it stands quoted (row 81).
const shortUser = 4

// secrets lists what outputs must never show: the password, the user name,
// the whole user:password, and the Authorization header's credential. A
// user name shorter than shortUser bytes is masked only where it stands
// quoted, as JSON and the reports quote values: bare, it would mask the
// reports' own words (a user "a" in "is a string").
func (a webhookAuth) secrets() []string {
	if !a.set {
		return nil
	}
	whole := a.user + ":" + a.password
	user := a.user
	if len(user) < shortUser {
		user = `"` + user + `"`
	}
	return []string{a.password, user, whole, base64.StdEncoding.EncodeToString([]byte(whole))}
}

// shortUserWarning is what a command that takes the Basic auth says of a
// user name too short to be masked everywhere, or "".
func (a webhookAuth) shortUserWarning() string {
	if !a.set || len(a.user) >= shortUser {
		return ""
	}
	return fmt.Sprintf("warning: the user name of %s is shorter than %d bytes: outputs mask it only where it stands quoted; a longer one is masked everywhere", webhookAuthEnv, shortUser)
}

// masked returns w with the secrets masked, a write at a time, or w
// itself without secrets.
func masked(w io.Writer, secrets []string) io.Writer {
	if len(secrets) == 0 {
		return w
	}
	return lineMasked{fetch.NewMaskWriter(w, secrets), w}
}
