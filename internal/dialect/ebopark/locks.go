package ebopark

import (
	"context"

	"parkd/internal/park"
)

// lockOps are the lock operations (3.2.10): a locked car may not leave.
func (h *Handler) lockOps() map[string]*operation {
	return map[string]*operation{
		"LockCar": {run: h.lockCar, hints: map[park.Code]map[string]string{park.EInvalid: {"CarNo": "无牌车不能锁车"}}},
		// The core refuses an unlocked plate without naming it.
		"UnlockCar": {run: h.unlockCar, about: map[park.Code]string{park.ENotFound: "CarNo"},
			hints: map[park.Code]map[string]string{park.ENotFound: {"CarNo": "该车辆未锁定"}, park.EInvalid: {"CarNo": "无牌车不能锁车"}}},
	}
}

type lockRequest struct {
	ParkCode *string `json:"ParkCode"`
	CarNo    *string `json:"CarNo"`
}

type lockResult struct {
	CarNo    string `json:"carNo"`
	Locked   bool   `json:"locked"`
	LockTime string `json:"lockTime"`
}

// lockArgs reads ParkCode (the core checks it is the partner's) and CarNo.
func lockArgs(body []byte) (string, string, error) {
	var in lockRequest
	if err := decode(body, &in); err != nil {
		return "", "", err
	}
	code, err := required("ParkCode", in.ParkCode)
	if err != nil {
		return "", "", err
	}
	car, err := carNo(in.CarNo)
	if err != nil {
		return "", "", err
	}
	return code, car, nil
}

// lockCar is 锁车: until UnlockCar, the car's exit is held (reason
// locked), paid or not. Locking a locked car answers the existing lock.
func (h *Handler) lockCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	code, car, err := lockArgs(body)
	if err != nil {
		return nil, 0, err
	}
	lk, err := h.svc.Gate.LockCar(ctx, p.ID, code, car, p.ID)
	if err != nil {
		return nil, 0, err
	}
	l, err := h.svc.Gate.LotSettings(ctx, code) // the reply's time zone
	if err != nil {
		return nil, 0, err
	}
	return lockResult{CarNo: car, Locked: true, LockTime: localTime(lk.LockedAt, l)}, 1, nil
}

// unlockCar is 解锁: removes the car's lock (未找到 when it is not locked).
func (h *Handler) unlockCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	code, car, err := lockArgs(body)
	if err != nil {
		return nil, 0, err
	}
	lk, err := h.svc.Gate.UnlockCar(ctx, p.ID, code, car)
	if err != nil {
		return nil, 0, err
	}
	l, err := h.svc.Gate.LotSettings(ctx, code) // the reply's time zone
	if err != nil {
		return nil, 0, err
	}
	return lockResult{CarNo: car, Locked: false, LockTime: localTime(lk.LockedAt, l)}, 1, nil
}
