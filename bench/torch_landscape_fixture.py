"""Reference loss and gradient of the fmnist-convnet landscape at one Fashion-MNIST image.

Reads θ₀ (the landscape's init(seed)), the image's pixels and label from the JSON that
bench/landscape-fixture.ts writes, computes them with PyTorch float64 (the model of
bench/torch_engine.py), and writes src/landscapes/fixtures/fmnist-convnet-reference.json.
Run: node --import tsx bench/landscape-fixture.ts (it calls this script with /usr/bin/python3).
"""
import base64, json, struct, sys
import torch
sys.path.insert(0, __file__.rsplit("/", 1)[0])
from torch_engine import make_loss

inp = json.load(open(sys.argv[1]))
loss, loss1, _, P = make_loss((1, 28, 28))
theta = torch.tensor(inp["theta"], dtype=torch.float64, requires_grad=True)
x = torch.tensor(inp["pixels"], dtype=torch.float64).view(1, 28, 28)
y = torch.tensor(inp["label"], dtype=torch.int64)
l = loss1(theta, x, y)
(g,) = torch.autograd.grad(l, theta)
out = {
    "landscape": "fmnist-convnet", "initSeed": inp["initSeed"], "imageIndex": inp["imageIndex"], "label": inp["label"],
    "torch": torch.__version__, "loss": float(l),
    "grad": base64.b64encode(struct.pack("<%dd" % P, *g.tolist())).decode(),
}
json.dump(out, open(sys.argv[2], "w"), indent=1)
