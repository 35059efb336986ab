package httpapi

import (
	"fmt"
	"net/http"

	"parkd/internal/core"
	"parkd/internal/park"
	"parkd/internal/spaces"
)

// spaceRoutes mounts the parking-guidance routes (spaces and their state).
func (s *Server) spaceRoutes() {
	s.admin("PUT /v1/lots/{code}/spaces", s.putSpaces)
	s.admin("GET /v1/lots/{code}/spaces", s.listSpaces)
	s.admin("POST /v1/lots/{code}/spaces/reports", s.reportSpaces)
	s.admin("GET /v1/lots/{code}/remaining", s.remaining)
}

type spaceInput struct {
	Code  string `json:"code"`
	Floor string `json:"floor"`
	Zone  string `json:"zone"`
	Kind  string `json:"kind"`
}

type spacesInput struct {
	Spaces []spaceInput `json:"spaces"`
}

type spaceView struct {
	Code       string  `json:"code"`
	Floor      string  `json:"floor"`
	Zone       string  `json:"zone"`
	Kind       string  `json:"kind"`
	Occupied   bool    `json:"occupied"`
	Plate      string  `json:"plate"`
	Since      *string `json:"since"`
	ReportedAt *string `json:"reported_at"`
	Source     string  `json:"source"`
}

func viewSpaces(sps []*park.Space) []spaceView {
	out := make([]spaceView, len(sps))
	for i, sp := range sps {
		out[i] = spaceView{Code: sp.Code, Floor: sp.Floor, Zone: sp.Zone, Kind: sp.Kind, Occupied: sp.Occupied,
			Plate: sp.Plate, Since: fmtTimePtr(sp.Since), ReportedAt: fmtTimePtr(sp.ReportedAt), Source: sp.Source}
	}
	return out
}

// putSpaces replaces a lot's spaces, all or nothing.
func (s *Server) putSpaces(w http.ResponseWriter, r *http.Request) error {
	var in spacesInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Spaces == nil {
		return park.Invalid("spaces", "is required (an empty list removes every space)")
	}
	sps := make([]*park.Space, len(in.Spaces))
	for i, sp := range in.Spaces {
		sps[i] = &park.Space{Code: sp.Code, Floor: sp.Floor, Zone: sp.Zone, Kind: sp.Kind}
	}
	out, err := s.svc.Spaces.ReplaceSpaces(r.Context(), r.PathValue("code"), sps)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"spaces": viewSpaces(out)})
	return nil
}

func (s *Server) listSpaces(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := core.QueryLimit(q.Get("limit"))
	if err != nil {
		return err
	}
	sps, more, err := s.svc.Spaces.SpacePage(r.Context(), spaces.SpaceQuery{LotCode: r.PathValue("code"), Floor: q.Get("floor"),
		Zone: q.Get("zone"), AfterCode: q.Get("after"), Limit: limit})
	if err != nil {
		return err
	}
	resp := map[string]any{"spaces": viewSpaces(sps)}
	if more {
		resp["next"] = sps[len(sps)-1].Code
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

type reportInput struct {
	Space    string `json:"space"`
	Occupied bool   `json:"occupied"`
	Plate    string `json:"plate"`
	At       string `json:"at"`
	Source   string `json:"source"`
}

type reportsInput struct {
	Reports []reportInput `json:"reports"`
}

// reportSpaces applies sensor and camera reports (last writer wins by at).
func (s *Server) reportSpaces(w http.ResponseWriter, r *http.Request) error {
	var in reportsInput
	if err := decode(r, &in); err != nil {
		return err
	}
	rs := make([]spaces.SpaceReport, len(in.Reports))
	for i, rep := range in.Reports {
		at, err := parseTime(fmt.Sprintf("reports[%d].at", i), rep.At)
		if err != nil {
			return err
		}
		rs[i] = spaces.SpaceReport{Space: rep.Space, Occupied: rep.Occupied, Plate: rep.Plate, At: at, Source: rep.Source}
	}
	res, err := s.svc.Spaces.ReportSpaces(r.Context(), r.PathValue("code"), rs)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": res})
	return nil
}

func (s *Server) remaining(w http.ResponseWriter, r *http.Request) error {
	g, err := s.svc.Spaces.GarageRemaining(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewRemaining(g))
	return nil
}

// The views spell out the counts that the service's types embed.
type (
	zoneRemainingView struct {
		Zone     string `json:"zone"`
		Total    int    `json:"total"`
		Occupied int    `json:"occupied"`
		Free     int    `json:"free"`
	}
	floorRemainingView struct {
		Floor    string              `json:"floor"`
		Total    int                 `json:"total"`
		Occupied int                 `json:"occupied"`
		Free     int                 `json:"free"`
		Zones    []zoneRemainingView `json:"zones"`
	}
	remainingView struct {
		BySpace  bool                 `json:"by_space"`
		Total    int                  `json:"total"`
		Occupied int                  `json:"occupied"`
		Free     int                  `json:"free"`
		Floors   []floorRemainingView `json:"floors"`
	}
)

func viewRemaining(g *spaces.GarageRemaining) remainingView {
	out := remainingView{BySpace: g.BySpace, Total: g.Total, Occupied: g.Occupied, Free: g.Free,
		Floors: make([]floorRemainingView, len(g.Floors))}
	for i, f := range g.Floors {
		fv := floorRemainingView{Floor: f.Floor, Total: f.Total, Occupied: f.Occupied, Free: f.Free,
			Zones: make([]zoneRemainingView, len(f.Zones))}
		for j, z := range f.Zones {
			fv.Zones[j] = zoneRemainingView{Zone: z.Zone, Total: z.Total, Occupied: z.Occupied, Free: z.Free}
		}
		out.Floors[i] = fv
	}
	return out
}
