package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"parkd/internal/core"
	"parkd/internal/deliveries"
	"parkd/internal/park"
)

// Partner subscriptions to reports, and the deliveries of those reports
// (docs/deliveries.md).
func (s *Server) deliveryRoutes() {
	s.admin("POST /v1/partners/{id}/subscriptions", s.createSubscription)
	s.admin("GET /v1/partners/{id}/subscriptions", s.listSubscriptions)
	s.admin("GET /v1/partners/{id}/subscriptions/{sub}", s.getSubscription)
	s.admin("PATCH /v1/partners/{id}/subscriptions/{sub}", s.patchSubscription)
	s.admin("DELETE /v1/partners/{id}/subscriptions/{sub}", s.deleteSubscription)
	s.admin("POST /v1/partners/{id}/subscriptions/{sub}/redeliver", s.redeliver)
	s.admin("GET /v1/deliveries", s.listDeliveries)
	s.admin("POST /v1/partners/{id}/enrolments", s.enrol)
	s.admin("GET /v1/partners/{id}/enrolments", s.listEnrolments)
	s.admin("DELETE /v1/partners/{id}/enrolments/{plate}", s.withdraw)
}

type subscriptionInput struct {
	ID              string  `json:"id"`
	Report          string  `json:"report"`
	URL             string  `json:"url"`
	Format          string  `json:"format"`
	Enabled         *bool   `json:"enabled"`
	RateLimit       int     `json:"rate_limit"`
	Concurrency     int     `json:"concurrency"`
	TimeoutSeconds  int     `json:"timeout_seconds"`
	ScheduleSeconds []int64 `json:"schedule_seconds"`
}

type subscriptionView struct {
	ID              string  `json:"id"`
	PartnerID       string  `json:"partner_id"`
	Report          string  `json:"report"`
	URL             string  `json:"url"`
	Format          string  `json:"format"`
	Enabled         bool    `json:"enabled"`
	DisabledBy      string  `json:"disabled_by,omitempty"`
	RateLimit       int     `json:"rate_limit"`
	Concurrency     int     `json:"concurrency"`
	TimeoutSeconds  int     `json:"timeout_seconds"`
	ScheduleSeconds []int64 `json:"schedule_seconds"`
	// Secret is shown once: when the subscription is created and when its
	// secret is rotated. PreviousSecret says a rotated-out secret still signs.
	Secret         string `json:"secret,omitempty"`
	PreviousSecret bool   `json:"previous_secret"`
	CreatedAt      string `json:"created_at"`
	UpdatedAt      string `json:"updated_at"`
	// PausedUntil is when the partner's pause (Retry-After) ends, while
	// it lasts.
	PausedUntil *string `json:"paused_until,omitempty"`
}

func viewSubscription(sub *park.Subscription, withSecret bool) subscriptionView {
	v := subscriptionView{ID: sub.ID, PartnerID: sub.PartnerID, Report: sub.Report, URL: sub.URL, Format: sub.Format,
		Enabled: sub.Enabled, DisabledBy: sub.DisabledBy, RateLimit: sub.RateLimit, Concurrency: sub.Concurrency,
		TimeoutSeconds: int(sub.AttemptTimeout() / time.Second), PreviousSecret: sub.Previous != "",
		CreatedAt: fmtTime(sub.CreatedAt), UpdatedAt: fmtTime(sub.UpdatedAt)}
	if v.RateLimit == 0 {
		v.RateLimit = park.DefaultRateLimit
	}
	if v.Concurrency == 0 {
		v.Concurrency = park.DefaultConcurrency
	}
	sched := sub.Schedule
	if len(sched) == 0 {
		sched = park.DefaultSchedule
	}
	for _, d := range sched {
		v.ScheduleSeconds = append(v.ScheduleSeconds, int64(d/time.Second))
	}
	if withSecret {
		v.Secret = sub.Secret
	}
	if !sub.PausedUntil.IsZero() {
		v.PausedUntil = fmtTimePtr(&sub.PausedUntil)
	}
	return v
}

// seconds reads schedule_seconds as waits, each refused as the core
// refuses it before the conversion can overflow.
func seconds(ss []int64) ([]time.Duration, error) {
	out := make([]time.Duration, len(ss))
	for i, v := range ss {
		if v < 0 || v > int64(park.MaxScheduleStep/time.Second) {
			return nil, park.ScheduleStepRange(i + 1)
		}
		out[i] = time.Duration(v) * time.Second
	}
	return out, nil
}

func (s *Server) createSubscription(w http.ResponseWriter, r *http.Request) error {
	var in subscriptionInput
	if err := decode(r, &in); err != nil {
		return err
	}
	sched, err := seconds(in.ScheduleSeconds)
	if err != nil {
		return err
	}
	if in.TimeoutSeconds < 0 || in.TimeoutSeconds > int(park.MaxDeliveryTimeout/time.Second) {
		return park.TimeoutRange()
	}
	sub, err := s.svc.Deliveries.CreateSubscription(r.Context(), r.PathValue("id"), deliveries.SubscriptionInput{
		ID: in.ID, Report: in.Report, URL: in.URL, Format: in.Format, Enabled: in.Enabled, RateLimit: in.RateLimit,
		Concurrency: in.Concurrency, Timeout: time.Duration(in.TimeoutSeconds) * time.Second, Schedule: sched})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/partners/"+sub.PartnerID+"/subscriptions/"+sub.ID)
	writeJSON(w, http.StatusCreated, viewSubscription(sub, true))
	return nil
}

func (s *Server) listSubscriptions(w http.ResponseWriter, r *http.Request) error {
	subs, err := s.svc.Deliveries.ListSubscriptions(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := make([]subscriptionView, len(subs))
	for i, sub := range subs {
		out[i] = viewSubscription(sub, false)
	}
	writeJSON(w, http.StatusOK, map[string]any{"subscriptions": out})
	return nil
}

func (s *Server) getSubscription(w http.ResponseWriter, r *http.Request) error {
	sub, err := s.svc.Deliveries.GetSubscription(r.Context(), r.PathValue("id"), r.PathValue("sub"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewSubscription(sub, false))
	return nil
}

type subscriptionPatch struct {
	URL             *string `json:"url"`
	Enabled         *bool   `json:"enabled"`
	RateLimit       *int    `json:"rate_limit"`
	Concurrency     *int    `json:"concurrency"`
	TimeoutSeconds  *int    `json:"timeout_seconds"`
	ScheduleSeconds []int64 `json:"schedule_seconds"`
	RotateSecret    bool    `json:"rotate_secret"`
	DropPrevious    bool    `json:"drop_previous_secret"`
}

func (s *Server) patchSubscription(w http.ResponseWriter, r *http.Request) error {
	var in subscriptionPatch
	if err := decode(r, &in); err != nil {
		return err
	}
	p := deliveries.SubscriptionPatch{URL: in.URL, Enabled: in.Enabled, RateLimit: in.RateLimit, Concurrency: in.Concurrency,
		RotateSecret: in.RotateSecret, DropPrevious: in.DropPrevious}
	if in.TimeoutSeconds != nil {
		if *in.TimeoutSeconds < 0 || *in.TimeoutSeconds > int(park.MaxDeliveryTimeout/time.Second) {
			return park.TimeoutRange()
		}
		d := time.Duration(*in.TimeoutSeconds) * time.Second
		p.Timeout = &d
	}
	if in.ScheduleSeconds != nil {
		sched, err := seconds(in.ScheduleSeconds)
		if err != nil {
			return err
		}
		p.Schedule = sched
	}
	sub, err := s.svc.Deliveries.UpdateSubscription(r.Context(), r.PathValue("id"), r.PathValue("sub"), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewSubscription(sub, in.RotateSecret))
	return nil
}

func (s *Server) deleteSubscription(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Deliveries.DeleteSubscription(r.Context(), r.PathValue("id"), r.PathValue("sub")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type redeliverInput struct {
	ReportID string `json:"report_id"`
	Since    string `json:"since"`
}

func (s *Server) redeliver(w http.ResponseWriter, r *http.Request) error {
	var in redeliverInput
	if err := decode(r, &in); err != nil {
		return err
	}
	var since time.Time
	if in.Since != "" {
		var err error
		if since, err = parseTime("since", in.Since); err != nil {
			return err
		}
	}
	rp, err := s.svc.Deliveries.Redeliver(r.Context(), r.PathValue("id"), r.PathValue("sub"), in.ReportID, since)
	if err != nil {
		return err
	}
	out := redelivered{Redelivered: rp.Redelivered, Held: rp.Held}
	// Asked for a time the retention has pruned: say so, rather than let
	// the count read as all there was.
	if h := s.svc.Deliveries.PrunedBefore(); !since.IsZero() && since.Before(h) {
		out.PrunedBefore = fmtTime(h)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// redelivered is a replay's answer. PrunedBefore is set when since is
// earlier than the retention's horizon: finished deliveries last changed
// before it were deleted and are not among those sent again.
type redelivered struct {
	Redelivered  int    `json:"redelivered"`
	PrunedBefore string `json:"pruned_before,omitempty"`
	Held         string `json:"held,omitempty"`
}

type deliveryView struct {
	ID             string `json:"id"`
	SubscriptionID string `json:"subscription_id"`
	PartnerID      string `json:"partner_id"`
	ReportID       string `json:"report_id"`
	Report         string `json:"report"`
	LotCode        string `json:"lot_code"`
	State          string `json:"state"`
	Attempts       int    `json:"attempts"`
	NextAt         string `json:"next_at,omitempty"`
	LastAttemptAt  string `json:"last_attempt_at,omitempty"`
	LastStatus     int    `json:"last_status,omitempty"`
	LastReply      string `json:"last_reply,omitempty"`
	DeliveredAt    string `json:"delivered_at,omitempty"`
	CreatedAt      string `json:"created_at"`
}

func fmtOptTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return fmtTime(*t)
}

// deliveryFilters are the parameters of GET /v1/deliveries, in the order
// an empty one is named.
var deliveryFilters = []string{"partner", "subscription", "report", "state", "since", "limit", "before"}

func (s *Server) listDeliveries(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	// A filter given without a value (?partner=, as an unset shell
	// variable writes it) would read as no filter, and the answer as the
	// filter's: refused naming it.
	for _, name := range deliveryFilters {
		if v, ok := q[name]; ok && len(v) == 1 && v[0] == "" {
			// Named, its value is required.
			return park.Invalid(name, "is empty: give a value, or leave the parameter out").Because(park.ReasonRequired)
		}
	}
	dq := deliveries.DeliveryQuery{PartnerID: q.Get("partner"), SubscriptionID: q.Get("subscription"), Report: q.Get("report"),
		State: q.Get("state")}
	if v := q.Get("since"); v != "" {
		t, err := queryTime("since", v)
		if err != nil {
			return err
		}
		dq.Since = t
	}
	limit, err := core.QueryLimit(q.Get("limit"))
	if err != nil {
		return err
	}
	dq.Limit = limit
	if v := q.Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return park.Invalid("before", "must be the next value of a previous page").Because(park.ReasonFormat)
		}
		dq.BeforeSeq = n
	}
	ds, more, err := s.svc.Deliveries.DeliveryPage(r.Context(), dq)
	if err != nil {
		return err
	}
	out := make([]deliveryView, len(ds))
	for i, d := range ds {
		out[i] = deliveryView{ID: d.ID, SubscriptionID: d.SubscriptionID, PartnerID: d.PartnerID, ReportID: d.ReportID,
			Report: d.Report, LotCode: d.LotCode, State: d.State, Attempts: d.Attempts, LastAttemptAt: fmtOptTime(d.LastAttemptAt),
			LastStatus: d.LastStatus, LastReply: d.LastReply, DeliveredAt: fmtOptTime(d.DeliveredAt), CreatedAt: fmtTime(d.CreatedAt)}
		if d.State == park.DeliveryPending || d.State == park.DeliveryFailed {
			out[i].NextAt = fmtTime(d.NextAt)
		}
	}
	resp := map[string]any{"deliveries": out}
	if more {
		resp["next"] = strconv.FormatInt(ds[len(ds)-1].Seq, 10)
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

type enrolmentInput struct {
	Plate string `json:"plate"`
}

type enrolmentView struct {
	PartnerID string `json:"partner_id"`
	Plate     string `json:"plate"`
	CreatedAt string `json:"created_at"`
}

func viewEnrolment(e *park.Enrolment) enrolmentView {
	return enrolmentView{PartnerID: e.PartnerID, Plate: e.Plate, CreatedAt: fmtTime(e.CreatedAt)}
}

func (s *Server) enrol(w http.ResponseWriter, r *http.Request) error {
	var in enrolmentInput
	if err := decode(r, &in); err != nil {
		return err
	}
	e, err := s.svc.Partners.Enrol(r.Context(), r.PathValue("id"), in.Plate)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewEnrolment(e))
	return nil
}

func (s *Server) listEnrolments(w http.ResponseWriter, r *http.Request) error {
	es, err := s.svc.Partners.Enrolments(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := make([]enrolmentView, len(es))
	for i, e := range es {
		out[i] = viewEnrolment(e)
	}
	writeJSON(w, http.StatusOK, map[string]any{"enrolments": out})
	return nil
}

func (s *Server) withdraw(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Partners.Withdraw(r.Context(), r.PathValue("id"), r.PathValue("plate")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
