//===- Composite.td - recurrent layers and attention -----------------------===//
//
// Composite ops keep a model's structure readable in the IR; kiln-decompose
// rewrites each into primitive ops (the time loop unrolled over the static
// sequence length), so autodiff and codegen only see primitives.
//
// Sequences are time-major: x is [T, B, I]. Weights follow PyTorch's layout:
// w_ih is [G * H, I], w_hh is [G * H, H], biases [G * H], where G is the
// number of gates. Initial states default to zeros.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_OPS_COMPOSITE_TD
#define KILN_OPS_COMPOSITE_TD

include "ir/KilnBase.td"

class Kiln_RecurrentOp<string mnemonic> : Kiln_Op<mnemonic, [Pure,
    AttrSizedOperandSegments,
    InferTypeOpAdaptor]> {
}

def Kiln_RnnOp : Kiln_RecurrentOp<"rnn"> {
  let summary = "Elman RNN: h = act(x W_ih^T + b_ih + h W_hh^T + b_hh)";
  let description = [{
    Returns all hidden states `output` [T, B, H] and the last `h_n` [B, H].
    `activation` is "tanh" or "relu".
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$w_ih,
      Kiln_FloatTensor:$w_hh, Optional<Kiln_FloatTensor>:$b_ih,
      Optional<Kiln_FloatTensor>:$b_hh, Optional<Kiln_FloatTensor>:$h0,
      DefaultValuedAttr<StrAttr, "\"tanh\"">:$activation);
  let results = (outs Kiln_FloatTensor:$output, Kiln_FloatTensor:$h_n);
  let assemblyFormat = [{
    $input `,` $w_ih `,` $w_hh (`b_ih` `(` $b_ih^ `)`)?
    (`b_hh` `(` $b_hh^ `)`)? (`h0` `(` $h0^ `)`)? attr-dict `:`
    functional-type(operands, results)
  }];
}

def Kiln_LstmOp : Kiln_RecurrentOp<"lstm"> {
  let summary = "LSTM with gates in order input, forget, cell, output";
  let description = [{
    i = sigmoid(.), f = sigmoid(.), g = tanh(.), o = sigmoid(.);
    c = f * c + i * g; h = o * tanh(c). Returns `output` [T, B, H], `h_n`
    and `c_n` [B, H].
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$w_ih,
      Kiln_FloatTensor:$w_hh, Optional<Kiln_FloatTensor>:$b_ih,
      Optional<Kiln_FloatTensor>:$b_hh, Optional<Kiln_FloatTensor>:$h0,
      Optional<Kiln_FloatTensor>:$c0);
  let results = (outs Kiln_FloatTensor:$output, Kiln_FloatTensor:$h_n,
                      Kiln_FloatTensor:$c_n);
  let assemblyFormat = [{
    $input `,` $w_ih `,` $w_hh (`b_ih` `(` $b_ih^ `)`)?
    (`b_hh` `(` $b_hh^ `)`)? (`h0` `(` $h0^ `)`)? (`c0` `(` $c0^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
}

def Kiln_GruOp : Kiln_RecurrentOp<"gru"> {
  let summary = "GRU with gates in order reset, update, new (PyTorch form)";
  let description = [{
    r = sigmoid(.), z = sigmoid(.), n = tanh(x W_in^T + b_in + r * (h W_hn^T
    + b_hn)); h = (1 - z) * n + z * h. Returns `output` [T, B, H] and `h_n`.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$w_ih,
      Kiln_FloatTensor:$w_hh, Optional<Kiln_FloatTensor>:$b_ih,
      Optional<Kiln_FloatTensor>:$b_hh, Optional<Kiln_FloatTensor>:$h0);
  let results = (outs Kiln_FloatTensor:$output, Kiln_FloatTensor:$h_n);
  let assemblyFormat = [{
    $input `,` $w_ih `,` $w_hh (`b_ih` `(` $b_ih^ `)`)?
    (`b_hh` `(` $b_hh^ `)`)? (`h0` `(` $h0^ `)`)? attr-dict `:`
    functional-type(operands, results)
  }];
}

def Kiln_MultiHeadAttentionOp : Kiln_Op<"multi_head_attention", [Pure,
    AttrSizedOperandSegments,
    InferTypeOpAdaptor]> {
  let summary = "scaled dot-product attention over num_heads heads";
  let description = [{
    `query` is [B, Tq, E], `key` and `value` are [B, Tk, E]. Projections
    are x @ W with `w_q`, `w_k`, `w_v`, `w_o` all [E, E] and optional biases
    [E]. Each head h of size D = E / num_heads computes
    softmax(Q_h K_h^T / sqrt(D) + mask) V_h; the heads are concatenated and
    projected by `w_o`. The optional `mask` is [Tq, Tk] or [B, Tq, Tk]: i1
    (true = attend) or a float added to the scores. A masked-out score is
    the lowest finite value of the element type rather than -inf, so a query
    whose keys are all masked attends uniformly instead of producing NaN
    (PyTorch gives NaN there; a NaN would poison a whole training step).
    The result is [B, Tq, E].
  }];
  let arguments = (ins Kiln_FloatTensor:$query, Kiln_FloatTensor:$key,
      Kiln_FloatTensor:$value, Kiln_FloatTensor:$w_q, Kiln_FloatTensor:$w_k,
      Kiln_FloatTensor:$w_v, Kiln_FloatTensor:$w_o,
      Optional<Kiln_FloatTensor>:$b_q, Optional<Kiln_FloatTensor>:$b_k,
      Optional<Kiln_FloatTensor>:$b_v, Optional<Kiln_FloatTensor>:$b_o,
      Optional<Kiln_Tensor>:$mask, Kiln_SI64Attr:$num_heads);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = [{
    $query `,` $key `,` $value `weights` `(` $w_q `,` $w_k `,` $w_v `,` $w_o
    `)` (`b_q` `(` $b_q^ `)`)? (`b_k` `(` $b_k^ `)`)? (`b_v` `(` $b_v^ `)`)?
    (`b_o` `(` $b_o^ `)`)? (`mask` `(` $mask^ `)`)? attr-dict `:`
    functional-type(operands, results)
  }];
}

#endif // KILN_OPS_COMPOSITE_TD
