package ebopark

func (h *Handler) crmOps() map[string]operation { return nil }
