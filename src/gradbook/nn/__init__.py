"""Neural networks on the book's engine: layers, losses, one training loop.

A *model* is one of two things, and every function here that takes one
(``loss``, ``predict``, ``accuracy``, ``train``, ``train_random_search``)
takes either kind:

- chapter 5's multilayer perceptron: a parameter list ``[W1, b1, W2, b2,
  ...]`` (``init_mlp``), computed by ``mlp``;
- a ``Network``: a list of layers (``Dense``, ``BatchNorm``, ``Conv2d``,
  and functions of ``x`` such as ``functions.tanh``, ``max_pool``,
  ``flatten``), the parameters it keeps for them, and their state.

Everything is written with the engine's generic operations, so the same
code runs on plain numpy arrays (to predict), on reverse-mode ``Var``s (to
train) and on forward-mode ``Dual``s (to check a gradient).  One
operation, ``conv2d``, is also a primitive of reverse mode with its own
vector-Jacobian products; ``conv2d_unfolded`` is the same convolution
built from operations the engine already differentiates.

Modules, one idea each: ``mlp`` (chapter 5's network), ``layers``
(``Layer``, ``Dense``, ``Network``, ``flatten``), ``normalization``
(``batch_norm``, ``BatchNorm``), ``convolution`` (``conv2d``,
``conv2d_unfolded``, ``Conv2d``), ``pooling`` (``max_pool``,
``avg_pool``), ``model`` (the two kinds of model), ``training`` (the loss,
predictions and the training loops).
"""

from gradbook.checks import MAX_ITERATIONS
from gradbook.nn.convolution import Conv2d, conv2d, conv2d_unfolded
from gradbook.nn.layers import Dense, Layer, Network, flatten
from gradbook.nn.mlp import init_mlp, mlp
from gradbook.nn.normalization import BatchNorm, batch_norm
from gradbook.nn.pooling import avg_pool, max_pool
from gradbook.nn.training import (
    History,
    accuracy,
    confusion,
    cross_entropy,
    loss,
    minibatches,
    one_hot,
    predict,
    sgd_step,
    train,
    train_random_search,
)

__all__ = [
    "MAX_ITERATIONS",
    "BatchNorm",
    "Conv2d",
    "Dense",
    "History",
    "Layer",
    "Network",
    "accuracy",
    "avg_pool",
    "batch_norm",
    "confusion",
    "conv2d",
    "conv2d_unfolded",
    "cross_entropy",
    "flatten",
    "init_mlp",
    "loss",
    "max_pool",
    "minibatches",
    "mlp",
    "one_hot",
    "predict",
    "sgd_step",
    "train",
    "train_random_search",
]
