package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"parkd/internal/charging"
	"parkd/internal/core"
	"parkd/internal/park"
	"parkd/internal/tariff"
)

// chargingRoutes mounts chargers, price standards, the charging preview
// and charge sessions.
func (s *Server) chargingRoutes() {
	s.admin("POST /v1/chargers", s.createCharger)
	s.admin("GET /v1/chargers", s.listChargers)
	s.admin("GET /v1/chargers/{id}", s.getCharger)
	s.admin("PATCH /v1/chargers/{id}", s.patchCharger)
	s.admin("DELETE /v1/chargers/{id}", s.retireCharger)
	s.admin("POST /v1/chargers/{id}/commands", s.chargerCommand)
	s.admin("POST /v1/price-standards", s.createStandard)
	s.admin("GET /v1/price-standards", s.listStandards)
	s.admin("GET /v1/price-standards/{id}", s.getStandard)
	s.admin("PUT /v1/price-standards/{id}", s.putStandard)
	s.admin("DELETE /v1/price-standards/{id}", s.deleteStandard)
	s.admin("POST /v1/charging/preview", s.previewCharging)
	s.admin("POST /v1/charging/sessions", s.startSession)
	s.admin("GET /v1/charging/sessions", s.listSessions)
	s.admin("GET /v1/charging/sessions/{id}", s.getSession)
	s.admin("POST /v1/charging/sessions/{id}/stop", s.stopSession)
	s.admin("POST /v1/charging/sessions/{id}/end-lost", s.endLostSession)
}

type chargerInput struct {
	ID         string `json:"id"`
	LotCode    string `json:"lot_code"`
	SpaceCode  string `json:"space_code"`
	Family     *int   `json:"family"`
	Type       string `json:"type"`
	Connectors int    `json:"connectors"`
	StandardID int64  `json:"standard_id"`
	Password   string `json:"password"`
}

type chargerPatch struct {
	SpaceCode    *string `json:"space_code"`
	Type         *string `json:"type"`
	Connectors   *int    `json:"connectors"`
	StandardID   *int64  `json:"standard_id"`
	Password     *string `json:"password"`
	Availability *string `json:"availability"`
}

type portView struct {
	Connector int    `json:"connector"`
	Status    string `json:"status"`
	ErrorCode string `json:"error_code"`
	At        string `json:"at"`
}

type chargerView struct {
	ID            string        `json:"id"`
	LotCode       string        `json:"lot_code"`
	SpaceCode     string        `json:"space_code"`
	Family        int           `json:"family"`
	Type          string        `json:"type"`
	Connectors    int           `json:"connectors"`
	StandardID    int64         `json:"standard_id"`
	Availability  string        `json:"availability"`
	Online        bool          `json:"online"`
	LastHeartbeat *string       `json:"last_heartbeat"`
	Vendor        string        `json:"vendor"`
	Model         string        `json:"model"`
	Firmware      string        `json:"firmware"`
	Ports         []portView    `json:"ports"`
	PortStates    []portState   `json:"port_states"`
	Commands      []commandView `json:"commands"`
	Retired       *string       `json:"retired"`
	CreatedAt     string        `json:"created_at"`
	UpdatedAt     string        `json:"updated_at"`
}

type portState struct {
	Connector int    `json:"connector"`
	State     string `json:"state"`
	SessionID string `json:"session_id"`
}

// chargerView is viewCharger with its connectors' states
// (charging.Service.PortStates).
func (s *Server) chargerView(ctx context.Context, c *park.Charger) (chargerView, error) {
	v := viewCharger(c)
	states, err := s.svc.Charging.PortStates(ctx, c)
	if err != nil {
		return v, err
	}
	v.PortStates = make([]portState, len(states))
	for i, p := range states {
		v.PortStates[i] = portState{Connector: p.Connector, State: p.State, SessionID: p.Session}
	}
	return v, nil
}

func viewCharger(c *park.Charger) chargerView {
	ports := make([]portView, len(c.Ports))
	for i, p := range c.Ports {
		ports[i] = portView{Connector: p.Connector, Status: p.Status, ErrorCode: p.ErrorCode, At: fmtTime(p.At)}
	}
	cmds := make([]commandView, len(c.Commands))
	for i, x := range c.Commands {
		cmds[i] = commandView{Command: x.Command, Connector: x.Connector, At: fmtTime(x.At), Status: x.Status, Detail: x.Detail}
	}
	return chargerView{Commands: cmds, ID: c.ID, LotCode: c.LotCode, SpaceCode: c.SpaceCode, Family: c.Family, Type: c.Type,
		Connectors: c.Connectors, StandardID: c.StandardID, Availability: c.Availability, Online: c.Online,
		LastHeartbeat: fmtTimePtr(c.LastHeartbeat), Vendor: c.Vendor, Model: c.Model, Firmware: c.Firmware, Ports: ports,
		Retired: fmtTimePtr(c.Retired), CreatedAt: fmtTime(c.CreatedAt), UpdatedAt: fmtTime(c.UpdatedAt)}
}

func (s *Server) createCharger(w http.ResponseWriter, r *http.Request) error {
	var in chargerInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Family == nil {
		return park.Invalid("family", "is required: 0 (two-wheeler) or 1 (car)")
	}
	c, err := s.svc.Charging.RegisterCharger(r.Context(), charging.ChargerInput{ID: in.ID, LotCode: in.LotCode,
		SpaceCode: in.SpaceCode, Family: *in.Family, Type: in.Type, Connectors: in.Connectors, StandardID: in.StandardID,
		Password: in.Password})
	if err != nil {
		return err
	}
	v, err := s.chargerView(r.Context(), c)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/chargers/"+c.ID)
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) listChargers(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.svc.Charging.Chargers(r.Context(), r.URL.Query().Get("lot_code"))
	if err != nil {
		return err
	}
	out := make([]chargerView, len(cs))
	for i, c := range cs {
		if out[i], err = s.chargerView(r.Context(), c); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"chargers": out})
	return nil
}

func (s *Server) getCharger(w http.ResponseWriter, r *http.Request) error {
	c, err := s.svc.Charging.Charger(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	v, err := s.chargerView(r.Context(), c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) patchCharger(w http.ResponseWriter, r *http.Request) error {
	var in chargerPatch
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := s.svc.Charging.UpdateCharger(r.Context(), r.PathValue("id"), charging.ChargerPatch{SpaceCode: in.SpaceCode,
		Type: in.Type, Connectors: in.Connectors, StandardID: in.StandardID, Password: in.Password, Availability: in.Availability})
	if err != nil {
		return err
	}
	v, err := s.chargerView(r.Context(), c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) retireCharger(w http.ResponseWriter, r *http.Request) error {
	c, err := s.svc.Charging.RetireCharger(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	v, err := s.chargerView(r.Context(), c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

type standardInput struct {
	ID      int64            `json:"id"`
	Name    string           `json:"name"`
	Family  *int             `json:"family"`
	Display string           `json:"display"`
	Remark  string           `json:"remark"`
	Rules   park.ChargeRules `json:"rules"`
}

type standardView struct {
	ID        int64            `json:"id"`
	Name      string           `json:"name"`
	Family    int              `json:"family"`
	Display   string           `json:"display"`
	Remark    string           `json:"remark"`
	Rules     park.ChargeRules `json:"rules"`
	CreatedAt string           `json:"created_at"`
	UpdatedAt string           `json:"updated_at"`
}

func viewStandard(p *park.PriceStandard) standardView {
	rules := p.Rules
	if rules.Segments == nil {
		rules.Segments = []park.ChargeSegment{}
	}
	return standardView{ID: p.ID, Name: p.Name, Family: p.Family, Display: p.Display, Remark: p.Remark, Rules: rules,
		CreatedAt: fmtTime(p.CreatedAt), UpdatedAt: fmtTime(p.UpdatedAt)}
}

// core is the use case's input; family has no default (0 is a family).
func (in *standardInput) core() (charging.StandardInput, error) {
	if in.Family == nil {
		return charging.StandardInput{}, park.Invalid("family", "is required: 0 (two-wheeler) or 1 (car)")
	}
	return charging.StandardInput{ID: in.ID, Name: in.Name, Family: *in.Family, Display: in.Display, Remark: in.Remark, Rules: in.Rules}, nil
}

func (s *Server) createStandard(w http.ResponseWriter, r *http.Request) error {
	var in standardInput
	if err := decode(r, &in); err != nil {
		return err
	}
	cin, err := in.core()
	if err != nil {
		return err
	}
	p, err := s.svc.Charging.CreateStandard(r.Context(), cin)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/price-standards/"+strconv.FormatInt(p.ID, 10))
	writeJSON(w, http.StatusCreated, viewStandard(p))
	return nil
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, park.Invalid("id", "must be a positive integer, not %q", r.PathValue("id"))
	}
	return id, nil
}

func (s *Server) listStandards(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := park.PriceStandardFilter{Name: q.Get("name"), Family: -1, Limit: 20}
	var err error
	if v := q.Get("family"); v != "" {
		if f.Family, err = queryInt("family", v); err != nil {
			return err
		}
	}
	if v := q.Get("limit"); v != "" { // left out, the list's default stays
		if f.Limit, err = core.QueryLimitUpTo(v, charging.MaxListLimit); err != nil {
			return err
		}
	}
	offset := 0
	if v := q.Get("offset"); v != "" {
		if offset, err = queryInt("offset", v); err != nil {
			return err
		}
	}
	page, err := s.svc.Charging.Standards(r.Context(), f, offset)
	if err != nil {
		return err
	}
	out := make([]standardView, len(page.Standards))
	for i, p := range page.Standards {
		out[i] = viewStandard(p)
	}
	writeJSON(w, http.StatusOK, map[string]any{"price_standards": out, "total": page.Total})
	return nil
}

func (s *Server) getStandard(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.svc.Charging.StandardByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewStandard(p))
	return nil
}

func (s *Server) putStandard(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in standardInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.ID != 0 && in.ID != id {
		return park.Invalid("id", "is %d in the body and %d in the path", in.ID, id)
	}
	cin, err := in.core()
	if err != nil {
		return err
	}
	p, err := s.svc.Charging.ReplaceStandard(r.Context(), id, cin)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewStandard(p))
	return nil
}

func (s *Server) deleteStandard(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.Charging.DeleteStandard(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type chargeReadingInput struct {
	At       string `json:"at"`
	EnergyWh int64  `json:"energy_wh"`
	PowerW   int64  `json:"power_w"`
}

type chargePreviewInput struct {
	Rules    park.ChargeRules     `json:"rules"`
	TimeZone string               `json:"timezone"`
	Start    string               `json:"start"`
	End      string               `json:"end"`
	Readings []chargeReadingInput `json:"readings"`
	Prepaid  int64                `json:"prepaid"`
	Full     bool                 `json:"full"`
}

type chargeLineView struct {
	From        string `json:"from"`
	To          string `json:"to"`
	Label       string `json:"label"`
	Amount      int64  `json:"amount"`
	EnergyWh    int64  `json:"energy_wh"`
	Electricity int64  `json:"electricity"`
	Service     int64  `json:"service"`
	Blocks      int64  `json:"blocks"`
}

type chargePreviewView struct {
	Amount        int64            `json:"amount"`
	Electricity   int64            `json:"electricity"`
	Service       int64            `json:"service"`
	MinutesBilled int              `json:"minutes_billed"`
	EnergyWh      int64            `json:"energy_wh"`
	Refund        int64            `json:"refund"`
	RefundTo      string           `json:"refund_to"`
	Lines         []chargeLineView `json:"lines"`
}

func viewChargeResult(res *tariff.ChargeResult) chargePreviewView {
	lines := make([]chargeLineView, len(res.Lines))
	for i, l := range res.Lines {
		lines[i] = chargeLineView{From: fmtTime(l.From), To: fmtTime(l.To), Label: l.Label, Amount: l.Amount,
			EnergyWh: l.EnergyWh, Electricity: l.Electricity, Service: l.Service, Blocks: l.Blocks}
	}
	refundTo := "balance"
	if res.RefundTo == tariff.ChargeRefundToPayment {
		refundTo = "payment"
	}
	return chargePreviewView{Amount: res.Amount, Electricity: res.Electricity, Service: res.Service,
		MinutesBilled: res.MinutesBilled, EnergyWh: res.EnergyWh, Refund: res.Refund, RefundTo: refundTo, Lines: lines}
}

func (s *Server) previewCharging(w http.ResponseWriter, r *http.Request) error {
	var in chargePreviewInput
	if err := decode(r, &in); err != nil {
		return err
	}
	start, err := parseTime("start", in.Start)
	if err != nil {
		return err
	}
	end, err := parseTime("end", in.End)
	if err != nil {
		return err
	}
	p := charging.PreviewInput{Rules: in.Rules, Zone: in.TimeZone, Start: start, End: end, Prepaid: in.Prepaid, Full: in.Full}
	for i, rd := range in.Readings {
		at, err := parseTime("readings["+strconv.Itoa(i)+"].at", rd.At)
		if err != nil {
			return err
		}
		p.Readings = append(p.Readings, charging.Reading{At: at, EnergyWh: rd.EnergyWh, PowerW: rd.PowerW})
	}
	res, err := s.svc.Charging.Preview(p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewChargeResult(res))
	return nil
}

type sessionInput struct {
	ChargerID    string `json:"charger_id"`
	Connector    int    `json:"connector"`
	Prepaid      int64  `json:"prepaid"`
	LimitMinutes int    `json:"limit_minutes"`
	Plate        string `json:"plate"`
}

type sessionView struct {
	ID            string  `json:"id"`
	ChargerID     string  `json:"charger_id"`
	Connector     int     `json:"connector"`
	LotCode       string  `json:"lot_code"`
	StandardID    int64   `json:"standard_id"`
	TransactionID int64   `json:"transaction_id"`
	IDTag         string  `json:"id_tag"`
	Source        string  `json:"source"`
	Status        string  `json:"status"`
	Prepaid       int64   `json:"prepaid"`
	LimitMinutes  int     `json:"limit_minutes"`
	StartedAt     *string `json:"started_at"`
	EndedAt       *string `json:"ended_at"`
	EnergyWh      int64   `json:"energy_wh"`
	Amount        int64   `json:"amount"`
	Electricity   int64   `json:"electricity"`
	Service       int64   `json:"service"`
	Refund        int64   `json:"refund"`
	Currency      string  `json:"currency"` // ISO 4217, the lot's; prepaid and the amounts are in its minor units
	RefundTo      string  `json:"refund_to"`
	EndReason     int     `json:"end_reason"`
	Full          bool    `json:"full"`
	// The stops parkd asked of the charger: since when (null: never, so
	// a stop asked of a charger offline shows too), how many it answered,
	// how many in a row it left unanswered and since when (null: none).
	StopAsked           *string `json:"stop_asked"`
	StopAsks            int     `json:"stop_asks"`
	StopUnanswered      int     `json:"stop_unanswered"`
	StopUnansweredSince *string `json:"stop_unanswered_since"`
	CreatedAt           string  `json:"created_at"`
	UpdatedAt           string  `json:"updated_at"`
}

func viewSession(x *park.ChargeSession, currency string) sessionView {
	return sessionView{ID: x.ID, ChargerID: x.ChargerID, Connector: x.Connector, LotCode: x.LotCode, StandardID: x.StandardID,
		TransactionID: x.TransactionID, IDTag: x.IDTag, Source: x.Source, Status: x.Status, Prepaid: x.Prepaid,
		LimitMinutes: x.LimitMinutes, StartedAt: fmtTimePtr(x.StartedAt), EndedAt: fmtTimePtr(x.EndedAt), EnergyWh: x.EnergyWh,
		Amount: x.Amount, Electricity: x.Electricity, Service: x.Service, Refund: x.Refund, Currency: currency, RefundTo: x.RefundTo,
		EndReason: x.EndReason, Full: x.Full, StopAsked: fmtTimePtr(x.StopAsked), StopAsks: x.StopAsks, StopUnanswered: x.StopUnanswered,
		StopUnansweredSince: fmtTimePtr(x.StopUnansweredSince), CreatedAt: fmtTime(x.CreatedAt), UpdatedAt: fmtTime(x.UpdatedAt)}
}

func (s *Server) startSession(w http.ResponseWriter, r *http.Request) error {
	var in sessionInput
	if err := decode(r, &in); err != nil {
		return err
	}
	x, err := s.svc.Charging.StartSession(r.Context(), charging.StartInput{ChargerID: in.ChargerID, Connector: in.Connector,
		Prepaid: in.Prepaid, LimitMinutes: in.LimitMinutes, Plate: in.Plate, Source: park.SourceNative})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/charging/sessions/"+x.ID)
	cur, err := s.lotCurrency(r.Context(), x.LotCode)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewSession(x, cur))
	return nil
}

func (s *Server) getSession(w http.ResponseWriter, r *http.Request) error {
	x, err := s.svc.Charging.Session(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	cur, err := s.lotCurrency(r.Context(), x.LotCode)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewSession(x, cur))
	return nil
}

func (s *Server) stopSession(w http.ResponseWriter, r *http.Request) error {
	x, err := s.svc.Charging.StopSession(r.Context(), r.PathValue("id"), "")
	if err != nil {
		return err
	}
	cur, err := s.lotCurrency(r.Context(), x.LotCode)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewSession(x, cur))
	return nil
}

func (s *Server) endLostSession(w http.ResponseWriter, r *http.Request) error {
	x, err := s.svc.Charging.EndLost(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	cur, err := s.lotCurrency(r.Context(), x.LotCode)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewSession(x, cur))
	return nil
}

type commandInput struct {
	Command   string `json:"command"`
	Connector int    `json:"connector"`
	Type      string `json:"type"`
}

type commandView struct {
	Command   string `json:"command"`
	Connector int    `json:"connector"`
	At        string `json:"at"`
	Status    string `json:"status"`
	Detail    string `json:"detail"`
}

// chargerCommand sends an operator's command to a charger; the charger's
// answer (or timeout, offline) is the result, recorded on the charger.
func (s *Server) chargerCommand(w http.ResponseWriter, r *http.Request) error {
	var in commandInput
	if err := decode(r, &in); err != nil {
		return err
	}
	res, err := s.svc.Charging.SendCommand(r.Context(), r.PathValue("id"), charging.Command{Kind: in.Command,
		Connector: in.Connector, Type: in.Type})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, commandView{Command: res.Command, Connector: res.Connector, At: fmtTime(res.At),
		Status: res.Status, Detail: res.Detail})
	return nil
}

// listSessions lists sessions, most recently changed last, by charger and
// status; limit (1-100, default 20) and offset page them.
func (s *Server) listSessions(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := park.ChargeSessionFilter{ChargerID: q.Get("charger_id"), Status: q.Get("status"), Limit: 20}
	switch f.Status {
	case "", park.SessionPending, park.SessionCharging, park.SessionEnded, park.SessionFailed:
	default:
		return park.Invalid("status", "must be pending, charging, ended or failed, not %q", f.Status)
	}
	var err error
	if v := q.Get("limit"); v != "" { // left out, the list's default stays
		if f.Limit, err = core.QueryLimitUpTo(v, charging.MaxListLimit); err != nil {
			return err
		}
	}
	offset := 0
	if v := q.Get("offset"); v != "" {
		if offset, err = queryInt("offset", v); err != nil {
			return err
		}
	}
	page, err := s.svc.Charging.Sessions(r.Context(), f, offset)
	if err != nil {
		return err
	}
	curs := s.currencies(r.Context())
	out := make([]sessionView, len(page.Sessions))
	for i, x := range page.Sessions {
		cur, err := curs.of(x.LotCode)
		if err != nil {
			return err
		}
		out[i] = viewSession(x, cur)
	}
	writeJSON(w, http.StatusOK, map[string]any{"sessions": out, "total": page.Total})
	return nil
}
