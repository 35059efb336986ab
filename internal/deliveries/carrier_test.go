package deliveries_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// onlyExits is a dialect's format that shapes exit reports only.
type onlyExits struct{}

func (onlyExits) Request(context.Context, *deliveries.Attempt, string) (*http.Request, error) {
	return nil, errors.New("not used")
}
func (onlyExits) Judge(int, []byte) (bool, string) { return true, "" }
func (onlyExits) Carries(kind string) bool         { return kind == park.ReportExit }

// TestSubscriptionFormatCarriesTheReport: a partner whose dialect shapes
// only exits gets its dialect's format for exits, native for entries
// (every delivery in its dialect would fail until it died), and asking
// for its dialect's format for entries is refused.
func TestSubscriptionFormatCarriesTheReport(t *testing.T) {
	d := systemtest.Dialects[1] // signs: a dialect format needs the secret
	b := systemtest.NewWith(t, systemtest.Options{Formats: map[string]deliveries.Formatter{d: onlyExits{}}})
	if _, err := b.Sys.Partners.CreatePartner(b.Ctx, &park.Partner{ID: "p", Name: "p", Dialect: d, Secret: "0123456789abcdef",
		Type: park.PartnerNormal, Lots: []string{b.Lot}}); err != nil {
		t.Fatal(err)
	}
	exit := subscribeWith(t, b, "p", deliveries.SubscriptionInput{Report: park.ReportExit, URL: "http://127.0.0.1:9/x"})
	if exit.Format != d {
		t.Errorf("exit subscription format %q, want the dialect's %q", exit.Format, d)
	}
	entry := subscribeWith(t, b, "p", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: "http://127.0.0.1:9/y"})
	if entry.Format != park.FormatNative || entry.Secret == "" {
		t.Errorf("entry subscription format %q (secret set %v), want native with its own secret", entry.Format, entry.Secret != "")
	}
	_, err := b.Sys.Deliveries.CreateSubscription(b.Ctx, "p", deliveries.SubscriptionInput{Report: park.ReportEntry, URL: "http://127.0.0.1:9/z", Format: d})
	if pe := (*park.Error)(nil); !errors.As(err, &pe) || pe.Code != park.EInvalid || pe.Field != "format" || pe.Reason != park.ReasonNotApplicable {
		t.Fatalf("entry subscription in %s: %v, want invalid format, not_applicable", d, err)
	}
	subs, err := b.Sys.Deliveries.ListSubscriptions(b.Ctx, "p")
	if err != nil || len(subs) != 2 {
		t.Fatalf("subscriptions %d, %v: the refused one must not be kept", len(subs), err)
	}
}

// TestFormatThatCannotCarryIsDeadAtOnce: a subscription kept from before
// formats were checked, whose format cannot shape its report, has its
// deliveries dead at the first attempt, saying why, rather than failing
// for days until they die.
func TestFormatThatCannotCarryIsDeadAtOnce(t *testing.T) {
	d := systemtest.Dialects[1]
	b := systemtest.NewWith(t, systemtest.Options{Formats: map[string]deliveries.Formatter{d: onlyExits{}}})
	if _, err := b.Sys.Partners.CreatePartner(b.Ctx, &park.Partner{ID: "p", Name: "p", Dialect: d, Secret: "0123456789abcdef",
		Type: park.PartnerNormal, Lots: []string{b.Lot}}); err != nil {
		t.Fatal(err)
	}
	exit := subscribeWith(t, b, "p", deliveries.SubscriptionInput{Report: park.ReportExit, URL: "http://127.0.0.1:9/x"})
	old := *exit
	old.ID, old.Report = "old-entries", park.ReportEntry // as an earlier parkd let it be made
	if err := b.Store.Update(b.Ctx, func(tx park.Tx) error { return tx.CreateSubscription(b.Ctx, &old) }); err != nil {
		t.Fatal(err)
	}
	b.Event(t, park.EventEntry, "京S00002", b.Clock.Now().Add(-time.Minute))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = b.Sys.Deliveries.Run(ctx) }()
	defer func() { cancel(); <-done }()
	var got []*park.Delivery
	waitFor(t, "the delivery dead", func() bool {
		got = listDeliveries(t, b, deliveries.DeliveryQuery{SubscriptionID: old.ID})
		return len(got) == 1 && got[0].State == park.DeliveryDead
	})
	if got[0].Attempts != 1 || !strings.Contains(got[0].LastReply, "cannot carry entry reports") {
		t.Fatalf("delivery %+v: want dead at its first attempt, saying the format cannot carry entries", got[0])
	}
}

// TestSubscriptionFormatReasons: a dialect's format refused names its
// rule: one for a partner without the secret it signs with needs that
// secret, and a subscription in it has no secret of its own to rotate or
// drop (not_applicable, on the field the patch named).
func TestSubscriptionFormatReasons(t *testing.T) {
	one, two := systemtest.Dialects[0], systemtest.Dialects[1] // api-one holds no secret; api-two signs
	b := systemtest.NewWith(t, systemtest.Options{Formats: map[string]deliveries.Formatter{one: onlyExits{}, two: onlyExits{}}})
	for _, p := range []*park.Partner{{ID: "nosecret", Name: "n", Dialect: one, Type: park.PartnerNormal, Lots: []string{b.Lot}},
		{ID: "signs", Name: "s", Dialect: two, Secret: "0123456789abcdef", Type: park.PartnerNormal, Lots: []string{b.Lot}}} {
		if _, err := b.Sys.Partners.CreatePartner(b.Ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	want := func(name string, err error, field, reason string, params ...string) {
		t.Helper()
		var pe *park.Error
		if !errors.As(err, &pe) || pe.Code != park.EInvalid || pe.Field != field || pe.Reason != reason || strings.Join(pe.Params, ",") != strings.Join(params, ",") {
			t.Errorf("%s: %v (%+v), want invalid %s, %s %v", name, err, pe, field, reason, params)
		}
	}
	_, err := b.Sys.Deliveries.CreateSubscription(b.Ctx, "nosecret", deliveries.SubscriptionInput{Report: park.ReportExit,
		URL: "http://127.0.0.1:9/x", Format: one})
	want("no secret", err, "format", park.ReasonNeeds, "secret")

	exit := subscribeWith(t, b, "signs", deliveries.SubscriptionInput{Report: park.ReportExit, URL: "http://127.0.0.1:9/x"})
	_, err = b.Sys.Deliveries.UpdateSubscription(b.Ctx, "signs", exit.ID, deliveries.SubscriptionPatch{RotateSecret: true})
	want("rotate", err, "rotate_secret", park.ReasonNotApplicable)
	_, err = b.Sys.Deliveries.UpdateSubscription(b.Ctx, "signs", exit.ID, deliveries.SubscriptionPatch{DropPrevious: true})
	want("drop", err, "drop_previous_secret", park.ReasonNotApplicable)
	if got, err := b.Sys.Deliveries.GetSubscription(b.Ctx, "signs", exit.ID); err != nil || got.Version != exit.Version {
		t.Fatalf("after refused patches: %+v, %v; want it unchanged", got, err)
	}
}
