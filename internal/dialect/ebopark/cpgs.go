package ebopark

import (
	"context"

	"parkd/internal/park"
	"parkd/internal/plate"
	"parkd/internal/spaces"
)

// cpgsOps are the parking guidance operations (3.4): space states, fuzzy
// plate search, a car's location and a garage's free spaces.
func (h *Handler) cpgsOps() map[string]*operation {
	return map[string]*operation{
		"QuerySpaceStatus": {run: h.querySpaceStatus},
		"FuzzyQueryPlate":  {run: h.fuzzyQueryPlate},
		// The core answers a car that is not inside without naming it.
		"QueryCarLocation": {run: h.queryCarLocation, about: map[park.Code]string{park.ENotFound: "CarNo"},
			hints: map[park.Code]map[string]string{park.ENotFound: {"CarNo": "车辆不在场内"}}},
		"QueryGarageRemaining": {run: h.queryGarageRemaining},
	}
}

type spaceStatusRequest struct {
	ParkCode *string `json:"ParkCode"`
	Floor    *string `json:"Floor"`
	Zone     *string `json:"Zone"`
	PageSize *int    `json:"PageSize"`
	Cursor   *string `json:"Cursor"`
}

type spaceRecord struct {
	SpaceNo    string `json:"spaceNo"`
	Floor      string `json:"floor"`
	Zone       string `json:"zone"`
	SpaceType  string `json:"spaceType"`
	Status     int    `json:"status"` // 0 free, 1 occupied
	CarNo      string `json:"carNo"`
	StatusTime string `json:"statusTime"` // since when; "" before the first report
	Source     string `json:"source"`
}

type spaceStatusResult struct {
	Records    []spaceRecord `json:"records"`
	NextCursor string        `json:"nextCursor"`
}

// querySpaceStatus is 车位状态查询: every space of the lot (or of one
// floor and zone) with its state, in space-number order, one page at a
// time as QueryInParkCars pages.
func (h *Handler) querySpaceStatus(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in spaceStatusRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, err := h.partnerLot(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	size, err := pageSize(in.PageSize, DefaultPageSize)
	if err != nil {
		return nil, 0, err
	}
	sps, more, err := h.svc.Spaces.SpacePage(ctx, spaces.SpaceQuery{LotCode: l.Code, Floor: optString(in.Floor), Zone: optString(in.Zone),
		AfterCode: optString(in.Cursor), Limit: size})
	if err != nil {
		return nil, 0, err
	}
	out := spaceStatusResult{Records: make([]spaceRecord, 0, len(sps))}
	for _, sp := range sps {
		r := spaceRecord{SpaceNo: sp.Code, Floor: sp.Floor, Zone: sp.Zone, SpaceType: sp.Kind, CarNo: sp.Plate, Source: sp.Source}
		if sp.Occupied {
			r.Status = 1
		}
		if sp.Since != nil {
			r.StatusTime = localTime(*sp.Since, l)
		}
		out.Records = append(out.Records, r)
	}
	if more {
		out.NextCursor = sps[len(sps)-1].Code
	}
	return out, len(out.Records), nil
}

type fuzzyRequest struct {
	ParkCode *string `json:"ParkCode"`
	CarNo    *string `json:"CarNo"`
	Limit    *int    `json:"Limit"`
}

// carPlace is a car inside and where it is parked ("" when not located).
type carPlace struct {
	CarNo     string `json:"carNo"`
	EntryTime string `json:"entryTime"`
	OrderNo   string `json:"orderNo"`
	Floor     string `json:"floor"`
	Zone      string `json:"zone"`
	SpaceNo   string `json:"spaceNo"`
	ParkTime  string `json:"parkTime"` // when the space last reported the plate
}

type fuzzyCandidate struct {
	carPlace
	MatchType string `json:"matchType"`
}

// matchTypes names plate.Rank on the wire.
var matchTypes = map[plate.Rank]string{
	plate.RankExact: "exact", plate.RankConfusable: "confusable", plate.RankOneEdit: "one_char",
	plate.RankSuffix: "suffix", plate.RankPartial: "partial",
}

func place(loc spaces.CarLocation, l *park.Lot) carPlace {
	c := carPlace{CarNo: loc.Stay.Plate, EntryTime: localTime(loc.Stay.EntryAt, l), OrderNo: loc.Stay.ID}
	if sp := loc.Space; sp != nil {
		c.Floor, c.Zone, c.SpaceNo = sp.Floor, sp.Zone, sp.Code
		if sp.PlateAt != nil {
			c.ParkTime = localTime(*sp.PlateAt, l)
		}
	}
	return c
}

// fuzzyQueryPlate is 模糊查询车牌: the cars inside whose plate matches what
// a driver typed or a camera misread (a whole plate, or at least its last
// 4 characters), best match first, at most Limit (1-100, default 10).
// No match is not an error: total 0 and an empty list.
func (h *Handler) fuzzyQueryPlate(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in fuzzyRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, err := h.partnerLot(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	reading, err := required("CarNo", in.CarNo)
	if err != nil {
		return nil, 0, err
	}
	if _, err := plate.ParseFuzzy(reading); err != nil {
		return nil, 0, refuse(refusedPlate, "CarNo", "应为完整车牌或车牌的至少后4位")
	}
	limit := 0 // the core's default
	if in.Limit != nil {
		if limit = *in.Limit; limit < 1 { // a given 0 is not the default; the upper bound is the core's
			return nil, 0, refuse(refusedType, "Limit", "")
		}
	}
	cars, err := h.svc.Spaces.FuzzyFindCars(ctx, l.Code, reading, limit)
	if err != nil {
		return nil, 0, err
	}
	out := make([]fuzzyCandidate, len(cars))
	for i, c := range cars {
		out[i] = fuzzyCandidate{carPlace: place(c.CarLocation, l), MatchType: matchTypes[c.Rank]}
	}
	return out, len(out), nil
}

type locationRequest struct {
	ParkCode *string `json:"ParkCode"`
	CarNo    *string `json:"CarNo"`
}

// queryCarLocation is 车辆位置查询 (反向寻车): where the car is parked. A
// car that is not inside answers 未找到：车辆不在场内; a car inside whose
// space no camera has reported answers 未找到：车辆在场但尚未定位到车位.
func (h *Handler) queryCarLocation(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in locationRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, err := h.partnerLot(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	car, err := carNo(in.CarNo)
	if err != nil {
		return nil, 0, err
	}
	loc, err := h.svc.Spaces.LocateCar(ctx, l.Code, car)
	if err != nil {
		return nil, 0, err
	}
	if loc.Space == nil {
		return nil, 0, refuse(refusedNoResult, "CarNo", "车辆在场但尚未定位到车位")
	}
	return place(*loc, l), 1, nil
}

type areaCount struct {
	Zone            string `json:"zone"`
	TotalSpaces     int    `json:"totalSpaces"`
	OccupiedSpaces  int    `json:"occupiedSpaces"`
	RemainingSpaces int    `json:"remainingSpaces"`
}

type floorCount struct {
	Floor           string      `json:"floor"`
	TotalSpaces     int         `json:"totalSpaces"`
	OccupiedSpaces  int         `json:"occupiedSpaces"`
	RemainingSpaces int         `json:"remainingSpaces"`
	Zones           []areaCount `json:"zones"`
}

type garageResult struct {
	ParkCode        string       `json:"parkCode"`
	TotalSpaces     int          `json:"totalSpaces"`
	OccupiedSpaces  int          `json:"occupiedSpaces"`
	RemainingSpaces int          `json:"remainingSpaces"`
	BySpace         bool         `json:"bySpace"`
	Floors          []floorCount `json:"floors"`
}

// queryGarageRemaining is 车库余位查询: free spaces in total and per floor
// and zone, from the space states; a lot without spaces answers its gate
// count as QueryRemainingSpaces does, with bySpace false and no floors.
func (h *Handler) queryGarageRemaining(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in parkRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	code, err := h.partnerLotCode(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	g, err := h.svc.Spaces.GarageRemaining(ctx, code)
	if err != nil {
		return nil, 0, err
	}
	out := garageResult{ParkCode: code, TotalSpaces: g.Total, OccupiedSpaces: g.Occupied, RemainingSpaces: g.Free,
		BySpace: g.BySpace, Floors: make([]floorCount, len(g.Floors))}
	for i, f := range g.Floors {
		fc := floorCount{Floor: f.Floor, TotalSpaces: f.Total, OccupiedSpaces: f.Occupied, RemainingSpaces: f.Free,
			Zones: make([]areaCount, len(f.Zones))}
		for j, z := range f.Zones {
			fc.Zones[j] = areaCount{Zone: z.Zone, TotalSpaces: z.Total, OccupiedSpaces: z.Occupied, RemainingSpaces: z.Free}
		}
		out.Floors[i] = fc
	}
	return out, 1, nil
}
