package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/operators"
	"parkd/internal/park"
)

// The partners pages: partners and their subscriptions, and the
// deliveries of reports to them, which an admin may send again. Partners
// span lots, so a lot operator does not see them.
func partnersSection() section {
	return section{key: "partners", href: Prefix + "partners", visible: seesEveryLot, routes: []route{
		{"GET " + Prefix + "partners", (*Console).partners},
		{"GET " + Prefix + "deliveries", (*Console).deliveries},
		{"POST " + Prefix + "deliveries/replay", (*Console).replay},
	}}
}

// seesEveryLot: admins and read-only operators.
func seesEveryLot(p *operators.Principal) bool { return p.Role != park.RoleLotOperator }

// errNotHere answers an operator who may not see a page as if it did not
// exist.
func errNotHere(r *http.Request) error {
	return park.Errorf(park.ENotFound, "%s not found", r.URL.Path)
}

type partnerRow struct {
	*park.Partner
	Subscriptions []*park.Subscription
}

func (w *Console) partners(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	if !seesEveryLot(p) {
		return errNotHere(r)
	}
	ps, err := w.sys.Partners.ListPartners(r.Context())
	if err != nil {
		return err
	}
	rows := make([]partnerRow, len(ps))
	for i, pt := range ps {
		subs, err := w.sys.Deliveries.ListSubscriptions(r.Context(), pt.ID)
		if err != nil {
			return err
		}
		rows[i] = partnerRow{Partner: pt, Subscriptions: subs}
	}
	w.render(rw, r, http.StatusOK, "partners", p, "partners", rows)
	return nil
}

type deliveriesData struct {
	Partner, State string
	Subscription   string // filters the list to one subscription ("": all)
	States         []string
	Deliveries     []deliveryRow
	CanReplay      bool
	Replayed       *replayedNote // after a replay
	Next           string        // the next page's link, while older deliveries follow
	First          string        // the first page's link, on any other page
}

// replayedNote says what a replay made due: how many deliveries, of which
// report (its kind when its delivery is on the page), whether they wait
// for the subscription to be enabled, and the list of its deliveries.
type replayedNote struct {
	Count        int
	Report, Kind string
	Disabled     bool
	List         string
}

// deliveriesPage is how many deliveries the page shows at a time.
const deliveriesPage = 100

// deliveryRow is a delivery with when its report was made, in its lot's
// time as the audit log writes it (auditTime).
type deliveryRow struct {
	*park.Delivery
	When string
}

func (w *Console) deliveries(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	if !seesEveryLot(p) {
		return errNotHere(r)
	}
	q := r.URL.Query()
	d := deliveriesData{Partner: q.Get("partner"), State: q.Get("state"), Subscription: q.Get("subscription"),
		CanReplay: p.Role == park.RoleAdmin,
		States:    []string{park.DeliveryPending, park.DeliverySending, park.DeliveryFailed, park.DeliveryDelivered, park.DeliveryDead}}
	var before int64 // the page of deliveries older than this one's (0: the newest)
	if v := q.Get("before"); v != "" {
		var err error
		if before, err = strconv.ParseInt(v, 10, 64); err != nil || before < 1 {
			return park.Invalid("before", "%q is not a page of the deliveries", v)
		}
	}
	ds, more, err := w.sys.Deliveries.DeliveryPage(r.Context(), deliveries.DeliveryQuery{PartnerID: d.Partner, State: d.State,
		SubscriptionID: d.Subscription, BeforeSeq: before, Limit: deliveriesPage})
	if err != nil {
		return err
	}
	// Both links keep the filter.
	link := func(before int64) string {
		v := url.Values{}
		for k, x := range map[string]string{"partner": d.Partner, "state": d.State, "subscription": d.Subscription} {
			if x != "" {
				v.Set(k, x)
			}
		}
		if before != 0 {
			v.Set("before", strconv.FormatInt(before, 10))
		}
		if len(v) == 0 {
			return Prefix + "deliveries"
		}
		return Prefix + "deliveries?" + v.Encode()
	}
	if more {
		d.Next = link(ds[len(ds)-1].Seq)
	}
	if before != 0 {
		d.First = link(0)
	}
	locs, err := w.lotZones(r.Context())
	if err != nil {
		return err
	}
	for _, dl := range ds {
		d.Deliveries = append(d.Deliveries, deliveryRow{Delivery: dl, When: auditTime(dl.CreatedAt, locs[dl.LotCode])})
	}
	if n, err := strconv.Atoi(q.Get("replayed")); err == nil && n >= 0 {
		d.Replayed = &replayedNote{Count: n, Report: q.Get("replayed_report"), Disabled: q.Get("held") == deliveries.HeldDisabled,
			List: link(0)}
		for _, dl := range ds {
			if dl.ReportID == d.Replayed.Report {
				d.Replayed.Kind = dl.Report
			}
		}
	}
	w.render(rw, r, http.StatusOK, "deliveries", p, "partners", d)
	return nil
}

// replay sends one report to one subscription again (admins only: it
// reaches a partner).
func (w *Console) replay(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	if !seesEveryLot(p) {
		return errNotHere(r)
	}
	if p.Role != park.RoleAdmin {
		return errForbidden
	}
	partner, sub, report := r.PostFormValue("partner"), r.PostFormValue("subscription"), r.PostFormValue("report")
	if report == "" {
		return park.Invalid("report", "name the report to send again")
	}
	if w.askFirst(rw, r, p, "partners", "confirm_replay", "replay", Prefix+"deliveries?partner="+url.QueryEscape(partner), report, partner) {
		return nil
	}
	rp, err := w.sys.Deliveries.Redeliver(r.Context(), partner, sub, report, time.Time{})
	if park.IsCode(err, park.ENotFound) {
		// The core names the report's field when its subscription has no
		// delivery of it, else the partner has no such subscription.
		var pe *park.Error
		if errors.As(err, &pe) && pe.Field == "report_id" {
			return notFoundAs(err, "report", report)
		}
		return notFoundAs(err, "subscription", sub)
	}
	if err != nil {
		return err
	}
	// The list of the subscription's deliveries, with a note naming the
	// report sent again, not a bare count.
	v := url.Values{"partner": {partner}, "subscription": {sub}, "replayed": {strconv.Itoa(rp.Redelivered)}, "replayed_report": {report}}
	if rp.Held != "" {
		v.Set("held", rp.Held)
	}
	http.Redirect(rw, r, Prefix+"deliveries?"+v.Encode(), http.StatusSeeOther)
	return nil
}
