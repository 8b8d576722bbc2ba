/* kernels/kernels.h - the numeric kernels every cell is built from, in two twins with one signature:
 *   kernels/scalar.c  k_*_scalar  plain C reference, the definition of the result
 *   kernels/simd.c    k_*_simd    SIMDe wasm simd128 (SSE/AVX natively, real wasm SIMD with -msimd128)
 * and the names the engine calls (k_gemm_nn, ...), which resolve to the SIMD twin unless the
 * build defines RNNLAB_SCALAR (the scalar wasm build and the reference native build).
 *
 * Layout: row-major; ld* is the row stride in floats, so a kernel can work on a column block of
 * a wider matrix (the GRU's n-gate block, one direction of a bidirectional output).
 * All GEMMs ACCUMULATE into C (C += ...). No kernel allocates, none reads past the end of an
 * operand (vector main loop, scalar tail).
 *
 * Activations use our own exp (k_expf, a polynomial with exact range reduction) instead of
 * libm, so scalar, SIMD, native and wasm give the same bits for the same inputs. Accuracy of
 * k_expf: relative error <= 1e-7 on [-87, 88] (measured 8.0e-8); arguments are clamped to [-87.3, 88.3], so sigmoid
 * and tanh saturate cleanly and never produce NaN from a finite input. NaN in gives NaN out.
 */
#ifndef RNNLAB_KERNELS_H
#define RNNLAB_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* C[M,N] += A[M,K] * B[K,N] */
void k_gemm_nn_scalar(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc);
void k_gemm_nn_simd(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc);
/* C[M,N] += A[M,K] * B[N,K]^T */
void k_gemm_nt_scalar(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc);
void k_gemm_nt_simd(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc);
/* C[M,N] += A[K,M]^T * B[K,N]   (weight-gradient accumulation: sum of outer products) */
void k_gemm_tn_scalar(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc);
void k_gemm_tn_simd(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc);

/* y[i] = sigmoid(x[i]) = 1 / (1 + exp(-x));  y may alias x */
void k_sigmoid_scalar(float *y, const float *x, int n);
void k_sigmoid_simd(float *y, const float *x, int n);
/* y[i] = tanh(x[i]);  y may alias x */
void k_tanh_scalar(float *y, const float *x, int n);
void k_tanh_simd(float *y, const float *x, int n);
/* y[i] = k_expf(x[i]) (NaN in: the same NaN out);  y may alias x. The softmax of the readout. */
void k_exp_scalar(float *y, const float *x, int n);
void k_exp_simd(float *y, const float *x, int n);

/* One-hot input projection, a row gather: for r in [0, R)
 *   pre[r, :] = (W[tok[r], :] + b1) (+ b2 when b2 is not NULL)        pre (R,G), W (V,G)
 * the rounding of memcpy-then-add-the-biases, in that order. */
void k_onehot_gather_scalar(float *pre, const int32_t *tok, const float *W, const float *b1, const float *b2, int R, int G);
void k_onehot_gather_simd(float *pre, const int32_t *tok, const float *W, const float *b1, const float *b2, int R, int G);

/* Fused LSTM step (PyTorch nn.LSTM, no peepholes), for B rows.
 *   gates (B,4H) row stride 4H, order [i f g o]: on entry pre-activations, on exit
 *         i = sig, f = sig, g = tanh, o = sig (post-activation, cached for backward)
 *   c_t = f * c_prev + i * g ;  tc = tanh(c_t) ;  h_t = o * tc
 *   c_prev, c, tc, h: (B,H) contiguous. */
void k_lstm_forward_scalar(float *gates, float *c, float *tc, float *h, const float *c_prev, int B, int H);
void k_lstm_forward_simd(float *gates, float *c, float *tc, float *h, const float *c_prev, int B, int H);
/* Backward of the step above. dh (B,H) gradient wrt h_t (in), dc (B,H) gradient wrt c_t
 * flowing from t+1 (in; on exit overwritten with the gradient wrt c_prev = dc_total * f).
 * dgates (B,4H): written (not accumulated) with gradients wrt the pre-activations. */
void k_lstm_backward_scalar(float *dgates, float *dc, const float *dh, const float *gates, const float *c_prev, const float *tc, int B, int H);
void k_lstm_backward_simd(float *dgates, float *dc, const float *dh, const float *gates, const float *c_prev, const float *tc, int B, int H);

/* Fused GRU step, PyTorch form (reset after), for B rows.
 *   gx (B,3H): W_ih x + b_ih, order [r z n];  gh (B,3H): W_hh h_prev + b_hh
 *   r = sig(gx_r + gh_r) ; z = sig(gx_z + gh_z) ; n = tanh(gx_n + r * gh_n)
 *   h = (1 - z) * n + z * h_prev
 *   gates (B,3H) written with [r z n] post-activation; hn (B,H) written with gh_n (cached). */
void k_gru_forward_scalar(float *gates, float *hn, float *h, const float *gx, const float *gh, const float *h_prev, int B, int H);
void k_gru_forward_simd(float *gates, float *hn, float *h, const float *gx, const float *gh, const float *h_prev, int B, int H);
/* Backward: dh (B,H) gradient wrt h_t (in). Writes dgx (B,3H) = dL/d(gx) and dgh (B,3H) =
 * dL/d(gh) (dgh_r = dgx_r, dgh_z = dgx_z, dgh_n = dgx_n * r), and ADDS dh * z to dh_prev (B,H). */
void k_gru_backward_scalar(float *dgx, float *dgh, float *dh_prev, const float *dh, const float *gates, const float *hn, const float *h_prev, int B, int H);
void k_gru_backward_simd(float *dgx, float *dgh, float *dh_prev, const float *dh, const float *gates, const float *hn, const float *h_prev, int B, int H);

/* scalar helpers shared by the engine's generic (non-fused) paths */
float k_expf(float x);
static inline float k_sigmoidf(float x) { return 1.0f / (1.0f + k_expf(-x)); }
float k_tanhf(float x);

#ifdef RNNLAB_SCALAR
#define K_(name) name##_scalar
#else
#define K_(name) name##_simd
#endif
#define k_gemm_nn K_(k_gemm_nn)
#define k_gemm_nt K_(k_gemm_nt)
#define k_gemm_tn K_(k_gemm_tn)
#define k_sigmoid K_(k_sigmoid)
#define k_tanh K_(k_tanh)
#define k_exp K_(k_exp)
#define k_onehot_gather K_(k_onehot_gather)
#define k_lstm_forward K_(k_lstm_forward)
#define k_lstm_backward K_(k_lstm_backward)
#define k_gru_forward K_(k_gru_forward)
#define k_gru_backward K_(k_gru_backward)

#endif
