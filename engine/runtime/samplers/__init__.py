"""The runtime samplers, together: each is a generator that yields one `engine.runtime.frames.Frame` per
network step (autoregressive, diffusion, one_shot, the forward processes) or per batched step of
K continuations. DDIM and DDPM are two rules behind one step interface (`steps.py`). The
offline tools (engine/tools: train, evaluate, make_bank, sample, loss_curve) only call them."""
