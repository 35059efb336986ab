package web

import (
	"net/http"
	"sort"
	"strings"
	"time"

	"parkd/internal/operators"
	"parkd/internal/park"
)

// The stays pages: find a car by its plate, as read or remembered (the
// spaces subsystem's fuzzy search over the cars inside, and the exact
// plate's past stays), and one stay's timeline and price breakdown.
func staysSection() section {
	return section{key: "stays", href: Prefix + "stays", lotPath: "stays", routes: []route{
		{"GET " + Prefix + "stays", (*Console).stays},
		{"GET " + Prefix + "lots/{lot}/stays", (*Console).lotStays},
		{"GET " + Prefix + "stays/{id}", (*Console).stay},
	}}
}

type stayHit struct {
	Stay  *park.Stay
	Space *park.Space
	Match string // how the plate matched (a word key)
}

type staysData struct {
	Lot    *park.Lot
	Lots   []*park.Lot
	Loc    *time.Location
	Plate  string
	Inside []stayHit
	Past   []*park.Stay
	Note   string // why a search found only part (a word key), if it did
	// Refusal: the core refused the plate searched; the page shows it
	// beside the field, with what was typed.
	Refusal *pageError
}

var rankWords = []string{"match_exact", "match_confusable", "match_one_edit", "match_suffix", "match_partial"}

// lotStays is the stays search of one lot.
func (w *Console) lotStays(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	q := r.URL.Query()
	q.Set("lot", r.PathValue("lot"))
	http.Redirect(rw, r, Prefix+"stays?"+q.Encode(), http.StatusSeeOther)
	return nil
}

func (w *Console) stays(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	ctx := r.Context()
	all, err := w.sys.Gate.ListLots(ctx)
	if err != nil {
		return err
	}
	d := staysData{Plate: strings.TrimSpace(r.URL.Query().Get("plate"))}
	for _, l := range all {
		if p.MaySee(l.Code) {
			d.Lots = append(d.Lots, l)
		}
	}
	code := r.URL.Query().Get("lot")
	for _, l := range d.Lots {
		if l.Code == code || code == "" && d.Lot == nil {
			d.Lot = l
		}
	}
	if code != "" && (d.Lot == nil || d.Lot.Code != code) {
		return notFoundAs(park.Errorf(park.ENotFound, "lot %q not found", code), "lot", code)
	}
	if d.Lot != nil && d.Plate != "" {
		d.Loc = d.Lot.Location()
		cars, err := w.sys.Spaces.FuzzyFindCars(ctx, d.Lot.Code, d.Plate, 20)
		if d.Refusal = refusedInput(p.Language, err); d.Refusal != nil {
			w.render(rw, r, d.Refusal.Status, "stays", p, "stays", d)
			return nil
		}
		if err != nil {
			return err
		}
		for _, c := range cars {
			d.Inside = append(d.Inside, stayHit{Stay: c.Stay, Space: c.Space, Match: rankWords[min(int(c.Rank), len(rankWords)-1)]})
		}
		// Past stays need the whole plate; a partial reading finds only
		// the cars inside.
		past, err := w.sys.Gate.LatestStays(ctx, d.Lot.Code, d.Plate, 50)
		switch {
		case park.IsCode(err, park.EInvalid):
			d.Note = "partial_plate"
		case err != nil:
			return err
		}
		d.Past = past // newest first
	}
	if d.Lot != nil {
		d.Loc = d.Lot.Location()
	}
	w.render(rw, r, http.StatusOK, "stays", p, "stays", d)
	return nil
}

// timelineItem is one thing that happened to a stay.
type timelineItem struct {
	At      time.Time
	Kind    string // a word key: entry, exit, quote, payment, anomaly, barrier
	Text    string
	Amount  int64
	Expires time.Time // a quote's end of validity
	// Values the page words in the operator's language: an anomaly's
	// kind; a barrier command and its result.
	Anomaly, Lane, Command, Result string
}

type stayData struct {
	Stay     *park.Stay
	Lot      *park.Lot
	Loc      *time.Location
	Gross    int64
	Discount int64
	Total    int64
	Due      int64
	Paid     int64
	Free     string
	Lines    []lineRow
	Timeline []timelineItem
	Pictures []*park.Event // the stay's reads that came with a picture
}

type lineRow struct {
	From, To time.Time
	Label    string // a tariff band's name, or one of the core's labels (worded by the page)
	Amount   int64
	// Coupon and Merchant: the coupon a deduction line comes from.
	Coupon, Merchant string
}

func (w *Console) stay(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	ctx := r.Context()
	id := r.PathValue("id")
	b, err := w.sys.Billing.StayBreakdown(ctx, id)
	if err == nil && !p.MaySee(b.Stay.LotCode) {
		err = park.Errorf(park.ENotFound, "stay %q not found", id)
	}
	if err != nil {
		return notFoundAs(err, "stay", id)
	}
	st, l := b.Stay, b.Lot
	d := stayData{Stay: st, Lot: l, Loc: l.Location(), Gross: b.Priced.Gross, Discount: b.Priced.Discount,
		Total: b.Priced.Total, Due: b.Priced.Due, Paid: st.Paid, Free: b.Priced.FreeReason}
	coupons := map[string]*park.Coupon{}
	for _, c := range b.Priced.Coupons {
		coupons[c.ID] = c
	}
	for _, ln := range b.Priced.Lines() {
		row := lineRow{From: ln.From, To: ln.To, Label: ln.Label, Amount: ln.Amount}
		if c, ok := coupons[ln.Coupon]; ok && ln.Coupon != "" { // worded by the page: coupon <id> (<merchant>)
			row.Coupon, row.Merchant = c.ID, c.Merchant
		} else if ln.Coupon != "" && !strings.Contains(row.Label, ln.Coupon) { // a coupon's label names it already
			row.Label += " (" + ln.Coupon + ")"
		}
		d.Lines = append(d.Lines, row)
	}
	d.Timeline = append(d.Timeline, timelineItem{At: st.EntryAt, Kind: "entry", Text: st.EntryLane})
	// Quotes before payments: a quote paid at once shares its instant
	// with the payment, and the sort below keeps this order.
	for _, q := range b.Quotes {
		d.Timeline = append(d.Timeline, timelineItem{At: q.ComputedAt, Kind: "quote", Amount: q.AmountDue,
			Expires: q.ExpiresAt, Text: q.Source})
	}
	for _, pay := range b.Payments {
		d.Timeline = append(d.Timeline, timelineItem{At: pay.PaidAt, Kind: "payment", Amount: pay.Amount,
			Text: strings.TrimSpace(pay.Method + " " + pay.Payer + " " + pay.Reference)})
	}
	if st.ExitAt != nil {
		d.Timeline = append(d.Timeline, timelineItem{At: *st.ExitAt, Kind: "exit", Text: st.ExitLane})
	}
	anomalies, cmds, err := w.sys.Gate.StayLog(ctx, st)
	if err != nil {
		return err
	}
	for _, a := range anomalies {
		d.Timeline = append(d.Timeline, timelineItem{At: a.At, Kind: "anomaly", Anomaly: a.Kind, Text: a.Detail})
	}
	for _, c := range cmds {
		d.Timeline = append(d.Timeline, timelineItem{At: c.At, Kind: "barrier", Lane: c.Lane, Command: c.Command,
			Result: c.Result, Text: strings.TrimSpace(c.By + " " + c.Reason)})
	}
	sort.SliceStable(d.Timeline, func(i, j int) bool { return d.Timeline[i].At.Before(d.Timeline[j].At) })
	if d.Pictures, err = w.sys.Gate.StayPictures(ctx, st); err != nil {
		return err
	}
	w.render(rw, r, http.StatusOK, "stay", p, "stays", d)
	return nil
}
