package httpapi

import (
	"net/http"

	"parkd/internal/core"
	"parkd/internal/gate"
	"parkd/internal/park"
)

// gateRoutes mounts the operators' barrier commands and their log.
func (s *Server) gateRoutes() {
	s.admin("POST /v1/lots/{code}/lanes/{lane}/commands", s.postGateCommand)
	s.admin("GET /v1/lots/{code}/lanes/{lane}/commands", s.listGateCommands)
}

// gateCommandInput is a barrier command from an operator.
type gateCommandInput struct {
	Command  string `json:"command"`
	Reason   string `json:"reason,omitempty"`
	Operator string `json:"operator,omitempty"` // who, recorded as "operator:<name>"
}

type gateCommandView struct {
	ID      string `json:"id"`
	LotCode string `json:"lot_code"`
	Lane    string `json:"lane"`
	Command string `json:"command"`
	By      string `json:"by"`
	Reason  string `json:"reason,omitempty"`
	At      string `json:"at"`
	Result  string `json:"result"`
	Detail  string `json:"detail,omitempty"`
}

func viewGateCommand(c *park.GateCommand) gateCommandView {
	return gateCommandView{ID: c.ID, LotCode: c.LotCode, Lane: c.Lane, Command: c.Command, By: c.By, Reason: c.Reason,
		At: fmtTime(c.At), Result: c.Result, Detail: c.Detail}
}

// gateResultView is a delivered command and the lane's mode after it.
type gateResultView struct {
	Command  gateCommandView `json:"command"`
	HeldOpen bool            `json:"held_open"`
}

// gateLogView is a lane's mode and its latest commands, newest first.
type gateLogView struct {
	HeldOpen bool              `json:"held_open"`
	Commands []gateCommandView `json:"commands"`
}

func (s *Server) postGateCommand(w http.ResponseWriter, r *http.Request) error {
	var in gateCommandInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if len(in.Operator) > 48 {
		return park.Invalid("operator", "must be at most 48 bytes")
	}
	if err := park.CheckText("operator", in.Operator); err != nil {
		return err
	}
	by := "operator"
	if in.Operator != "" {
		by += ":" + in.Operator
	}
	res, err := s.svc.Gate.SendGateCommand(r.Context(), gate.GateCommandInput{
		LotCode: r.PathValue("code"), Lane: r.PathValue("lane"), Command: in.Command, By: by, Reason: in.Reason,
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, gateResultView{Command: viewGateCommand(res.Command), HeldOpen: res.HeldOpen})
	return nil
}

func (s *Server) listGateCommands(w http.ResponseWriter, r *http.Request) error {
	limit, err := core.QueryLimitUpTo(r.URL.Query().Get("limit"), gate.MaxGateLog)
	if err != nil {
		return err
	}
	lot, lane := r.PathValue("code"), r.PathValue("lane")
	hold, err := s.svc.Gate.LaneHold(r.Context(), lot, lane)
	if err != nil {
		return err
	}
	cs, err := s.svc.Gate.GateLog(r.Context(), lot, lane, limit)
	if err != nil {
		return err
	}
	out := gateLogView{HeldOpen: hold != nil, Commands: make([]gateCommandView, len(cs))}
	for i, c := range cs {
		out.Commands[i] = viewGateCommand(c)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
