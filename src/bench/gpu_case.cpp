#include "bench/gpu_case.hpp"

#include <stdexcept>

#include "quant/slice.hpp"
#include "util/error.hpp"

namespace qgemv::bench {
namespace {

using vk::DescriptorType;

// Quiet NaN bit patterns: an element the kernel never writes stays NaN and fails validation.
constexpr std::uint32_t kNan32 = 0x7FC00000u;
constexpr std::uint32_t kNan16Pair = 0x7E007E00u;

std::uint64_t round_up4(std::uint64_t bytes) { return (bytes + 3) / 4 * 4; }

vk::Format weight_format(quant::Layout layout) {
  return layout == quant::Layout::legacy_interleaved ? vk::Format::eR8G8B8A8Uint : vk::Format::eR32G32B32A32Uint;
}

vk::Format io_format(DType dtype) {
  return dtype == DType::fp32 ? vk::Format::eR32G32B32A32Sfloat : vk::Format::eR16G16B16A16Sfloat;
}

// Texel grid of the weight layouts: legacy texel (n8, k), coop texel (k4, n8); rows are the packed order.
std::pair<std::uint32_t, std::uint32_t> weight_extent(quant::Layout layout, std::int64_t blocks, std::int64_t k) {
  if (layout == quant::Layout::legacy_interleaved) return {std::uint32_t(blocks), std::uint32_t(k)};
  return {std::uint32_t(k / 4), std::uint32_t(blocks)};
}

std::unique_ptr<vk_util::Buffer> device_buffer(vk_util::Context& context, vk_util::Commands& commands,
                                               std::span<const std::uint8_t> bytes) {
  auto buffer = std::make_unique<vk_util::Buffer>(context, round_up4(bytes.size()), vk_util::Buffer::Kind::device);
  vk_util::upload(context, commands, *buffer, bytes);
  return buffer;
}

}  // namespace

GpuCase::GpuCase(vk_util::Context& context, vk_util::Commands& commands, Problem& problem,
                 const kernels::KernelDesc& kernel, const kernels::Dispatch& dispatch, Storage storage,
                 const SplitPlan& plan, std::uint32_t copies)
    : problem_(problem),
      kernel_(kernel),
      dispatch_(dispatch),
      storage_(storage),
      plan_(plan),
      copies_(std::max(1u, copies)) {
  const auto dtype = problem.dtype();
  const auto& data = problem.data(kernel.quantization);
  const auto& shape = data.shape;
  if (storage != Storage::bb) sampler_ = vk_util::make_sampler(context);

  const auto x_bytes = quant::to_storage_bytes(data.x, dtype);
  if (storage == Storage::tt) {
    x_image_ = std::make_unique<vk_util::Image2D>(context, io_format(dtype), std::uint32_t(shape.k / 4), 1, false, true);
    vk_util::upload(context, commands, *x_image_, x_bytes);
    y_image_ = std::make_unique<vk_util::Image2D>(context, io_format(dtype), plan.output_row_texels,
                                                  plan.output_rows, true, true);
  } else {
    x_buffer_ = device_buffer(context, commands, x_bytes);
    y_buffer_ = std::make_unique<vk_util::Buffer>(context, round_up4(shape.n * element_bytes(dtype)),
                                                  vk_util::Buffer::Kind::device);
  }

  for (std::int64_t s = 0; s < plan.slices; ++s) {
    const auto n_begin = s * plan.channels_per_slice;
    const auto n_end = std::min(shape.n, n_begin + plan.channels_per_slice);
    if (plan.slices == 1) {
      upload_slice(context, commands, data, problem.packed(kernel.layout, kernel.quantization), 0);
    } else {
      const auto sub = quant::slice_channels(data, n_begin, n_end);
      upload_slice(context, commands, sub, quant::pack(sub, kernel.layout), n_begin);
    }
  }
  use_dispatch(context, dispatch);
}

void GpuCase::use_dispatch(vk_util::Context& context, const kernels::Dispatch& dispatch) {
  // The pipeline is specialised for this case's group size and dispatch; asking again for the same
  // one (the first run of a tunable kernel) keeps it instead of building it twice.
  if (pipeline_ && dispatch == dispatch_) return;
  if (dispatch.k_slices != dispatch_.k_slices) {
    throw std::logic_error("a case's slices along K are fixed when it is built");
  }
  if (auto why = kernels::unsupported_reason(kernel_, problem_.dtype(), storage_, context, dispatch.flavour);
      !why.empty()) {
    throw UnsupportedError(why);
  }
  dispatch_ = dispatch;
  const auto spirv = kernels::load_spirv(kernel_, problem_.dtype(), storage_, dispatch.flavour);
  pipeline_.reset();
  pipeline_ = std::make_unique<vk_util::ComputePipeline>(
      context, vk_util::PipelineDesc{spirv, kernels::descriptor_layout(kernel_, storage_), sizeof(kernels::PushConstants),
                                     kernels::specialization(kernel_, dispatch, problem_.shape().group_size),
                                     static_cast<std::uint32_t>(plan_.slices) * copies_});
  for (std::size_t s = 0; s < slices_.size(); ++s) slices_[s].workgroups = dispatch_.workgroups(slices_[s].push.n);
  bind_all();
}

void GpuCase::bind_all() {
  for (std::uint32_t s = 0; s < slices_.size(); ++s) {
    for (std::uint32_t c = 0; c < copies_; ++c) {
      const auto set = set_index(s, c);
      const auto& copy = slices_[s].copies[c];
      if (copy.weight_buffer) {
        pipeline_->bind_buffer(set, kernel_.binding("weights"), copy.weight_buffer->handle(), 0,
                               copy.weight_buffer->size());
      } else {
        pipeline_->bind_image(set, kernel_.binding("weights"), copy.weight_image->view(), *sampler_);
      }
      pipeline_->bind_buffer(set, kernel_.binding("qparams"), copy.qparams->handle(), 0, copy.qparams->size());
      if (const auto& scratch = slices_[s].scratch) {
        pipeline_->bind_buffer(set, kernel_.binding(kernels::kScratch), scratch->handle(), 0, scratch->size());
      }
      bind_io(set);
    }
  }
}

void GpuCase::upload_slice(vk_util::Context& context, vk_util::Commands& commands, const quant::QuantData& data,
                           const quant::PackedWeights& packed, std::int64_t n_begin) {
  const auto& shape = data.shape;
  const auto qparam_bytes = quant::to_storage_bytes(packed.qparams, problem_.dtype());
  Slice slice;
  slice.copies.push_back(upload_copy(context, commands, data, packed, qparam_bytes));
  // The other cold-cache copies are GPU-side copies of the first, made in one submission.
  for (std::uint32_t copy = 1; copy < copies_; ++copy) slice.copies.push_back(empty_copy_like(context, slice.copies[0]));
  commands.run([&](const vk::raii::CommandBuffer& cmd) {
    const auto& first = slice.copies[0];
    for (std::uint32_t copy = 1; copy < copies_; ++copy) {
      const auto& target = slice.copies[copy];
      if (first.weight_buffer) {
        cmd.copyBuffer(first.weight_buffer->handle(), target.weight_buffer->handle(),
                       vk::BufferCopy(0, 0, first.weight_buffer->size()));
      } else {
        vk_util::record_copy(cmd, *first.weight_image, *target.weight_image);
      }
      cmd.copyBuffer(first.qparams->handle(), target.qparams->handle(), vk::BufferCopy(0, 0, first.qparams->size()));
    }
  });
  footprint_bytes_ += copies_ * (packed.weights.size() + qparam_bytes.size());
  slice.push = {static_cast<std::uint32_t>(shape.n), static_cast<std::uint32_t>(shape.k),
                static_cast<std::uint32_t>(shape.padded_n()),
                static_cast<std::uint32_t>(n_begin), plan_.output_row_texels};
  slice.workgroups = 0;  // set by use_dispatch
  if (kernel_.split_k) {
    // The counters start at zero; the kernel only ever increments them (shaders/split_k.glsl).
    slice.scratch = std::make_unique<vk_util::Buffer>(
        context, kernels::scratch_bytes(kernel_, shape.n, dispatch_.k_slices), vk_util::Buffer::Kind::device);
    vk_util::fill(commands, *slice.scratch, 0u);
  }
  slices_.push_back(std::move(slice));
}

GpuCase::SliceCopy GpuCase::upload_copy(vk_util::Context& context, vk_util::Commands& commands,
                                        const quant::QuantData& data, const quant::PackedWeights& packed,
                                        std::span<const std::uint8_t> qparam_bytes) {
  SliceCopy copy;
  if (storage_ == Storage::bb) {
    copy.weight_buffer = device_buffer(context, commands, packed.weights);
  } else {
    const auto [width, height] = weight_extent(kernel_.layout, data.shape.blocks_of_8(), data.shape.k);
    copy.weight_image =
        std::make_unique<vk_util::Image2D>(context, weight_format(kernel_.layout), width, height, false);
    vk_util::upload(context, commands, *copy.weight_image, packed.weights);
  }
  copy.qparams = device_buffer(context, commands, qparam_bytes);
  return copy;
}

GpuCase::SliceCopy GpuCase::empty_copy_like(vk_util::Context& context, const SliceCopy& original) const {
  using Kind = vk_util::Buffer::Kind;
  SliceCopy copy;
  if (original.weight_buffer) {
    copy.weight_buffer = std::make_unique<vk_util::Buffer>(context, original.weight_buffer->size(), Kind::device);
  } else {
    const auto& image = *original.weight_image;
    copy.weight_image = std::make_unique<vk_util::Image2D>(context, image.format(), image.width(), image.height(), false);
  }
  copy.qparams = std::make_unique<vk_util::Buffer>(context, original.qparams->size(), Kind::device);
  return copy;
}

void GpuCase::bind_io(std::uint32_t set) {
  if (storage_ == Storage::tt) {
    pipeline_->bind_image(set, kernel_.binding("input"), x_image_->view(), *sampler_);
    pipeline_->bind_image(set, kernel_.binding("output"), y_image_->view(), nullptr);
  } else {
    pipeline_->bind_buffer(set, kernel_.binding("input"), x_buffer_->handle(), 0, x_buffer_->size());
    pipeline_->bind_buffer(set, kernel_.binding("output"), y_buffer_->handle(), 0, y_buffer_->size());
  }
}

void GpuCase::record(const vk::raii::CommandBuffer& cmd, std::uint64_t iteration) const {
  const auto copy = static_cast<std::uint32_t>(iteration % copies_);
  for (std::uint32_t s = 0; s < slices_.size(); ++s) {
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(&slices_[s].push);
    pipeline_->dispatch(cmd, set_index(s, copy), {bytes, sizeof(kernels::PushConstants)}, slices_[s].workgroups,
                        dispatch_.k_slices);
  }
}

void GpuCase::poison_output(vk_util::Commands& commands) const {
  if (y_image_) {
    vk_util::fill(commands, *y_image_, std::numeric_limits<float>::quiet_NaN());
  } else {
    vk_util::fill(commands, *y_buffer_, problem_.dtype() == DType::fp32 ? kNan32 : kNan16Pair);
  }
}

std::vector<float> GpuCase::read_output(vk_util::Context& context, vk_util::Commands& commands) const {
  // The output image is the padded channel vector wrapped row by row, so both read back linearly.
  auto bytes = y_image_ ? vk_util::download(context, commands, *y_image_)
                        : vk_util::download(context, commands, *y_buffer_);
  bytes.resize(static_cast<std::size_t>(problem_.shape().n * element_bytes(problem_.dtype())));
  return quant::from_storage_bytes(bytes, problem_.dtype());
}

}  // namespace qgemv::bench
