package ebopark

import (
	"context"

	"parkd/internal/gate"
	"parkd/internal/park"
)

// spaceOps are the lot's free spaces (3.2.7) and the cars inside (3.2.14).
func (h *Handler) spaceOps() map[string]*operation {
	return map[string]*operation{
		"QueryRemainingSpaces": {run: h.queryRemainingSpaces},
		"QueryInParkCars":      {run: h.queryInParkCars},
	}
}

type parkRequest struct {
	ParkCode *string `json:"ParkCode"`
}

type remainingResult struct {
	ParkCode        string `json:"parkCode"`
	TotalSpaces     int    `json:"totalSpaces"`
	RemainingSpaces int    `json:"remainingSpaces"`
	OccupiedSpaces  int    `json:"occupiedSpaces"`
}

// queryRemainingSpaces is 剩余车位查询: the lot's occupancy as the core
// reports it (clamped to capacity).
func (h *Handler) queryRemainingSpaces(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in parkRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	code, err := h.partnerLotCode(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	occ, err := h.svc.Gate.Occupancy(ctx, code)
	if err != nil {
		return nil, 0, err
	}
	return remainingResult{ParkCode: code, TotalSpaces: occ.Capacity, RemainingSpaces: occ.Free,
		OccupiedSpaces: occ.Occupied}, 1, nil
}

type inParkRequest struct {
	ParkCode *string `json:"ParkCode"`
	PageSize *int    `json:"PageSize"`
	Cursor   *string `json:"Cursor"`
}

type inParkCar struct {
	CarNo     string `json:"carNo"`
	EntryTime string `json:"entryTime"`
	Locator   string `json:"locator"`
	OrderNo   string `json:"orderNo"`
	EntryLane string `json:"entryLane"`
}

type inParkResult struct {
	Records    []inParkCar `json:"records"`
	NextCursor string      `json:"nextCursor"`
}

// DefaultPageSize is QueryInParkCars' page when PageSize is absent.
const DefaultPageSize = 100

// queryInParkCars is 查询在场车全量数据: the cars inside, in the order their
// entries were recorded (stay-id order),
// one page at a time (PageSize 1-1000; pass the reply's nextCursor as
// Cursor for the next page; "" means the last page). total is the number
// of records on this page.
func (h *Handler) queryInParkCars(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in inParkRequest
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
	after := ""
	if in.Cursor != nil {
		after = *in.Cursor
	}
	stays, more, err := h.svc.Gate.StayPage(ctx, gate.StayQuery{LotCode: l.Code, State: park.StayIn, Limit: size, AfterID: after})
	if err != nil {
		return nil, 0, err
	}
	out := inParkResult{Records: make([]inParkCar, 0, len(stays))}
	for _, s := range stays {
		out.Records = append(out.Records, inParkCar{CarNo: s.Plate, EntryTime: localTime(s.EntryAt, l), Locator: s.Locator,
			OrderNo: s.ID, EntryLane: s.EntryLane})
	}
	if more {
		out.NextCursor = stays[len(stays)-1].ID
	}
	return out, len(out.Records), nil
}
