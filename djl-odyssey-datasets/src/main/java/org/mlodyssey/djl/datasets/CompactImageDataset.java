/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.datasets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.training.dataset.Sampler;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.util.Progress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import org.mlodyssey.djl.checkpoint.training.PositionableDataset;

/**
 * An image-classification dataset that holds every image as uint8 pixels in one array and builds
 * each batch in bulk.
 *
 * <p>A batch gathers its images' bytes into one buffer, makes one uint8 {@link NDArray} of shape
 * (N, C, H, W) from it, and converts and normalises it on the engine into float32: {@code (x / 255
 * - mean) / std} per channel, or {@code x / 255} when normalisation is off. Labels are a float32
 * array of shape (N) holding 0-based class indices, as DJL's own datasets give them. Transforms
 * added with {@code addTransform} are applied to the whole batch data (N, C, H, W), not to single
 * images.
 *
 * <p>Shuffling ({@code setSampling(batchSize, true)}) and augmentation are deterministic: the order
 * of an epoch is drawn from the seed and the epoch number, and an image's augmentation from the
 * seed, the epoch number and the image's index. Each whole-epoch call {@code getData(manager)} or
 * {@code getData(manager, executor)} (one epoch, as {@link ai.djl.training.EasyTrain#fit} and
 * {@code Trainer.iterateDataset} call it) uses {@link #getEpoch()} and then advances it; a call
 * given a {@link Sampler} ({@code getData(manager, sampler[, executor])}, which a loop such as
 * {@code ResumableTrainingLoop} makes once per batch) uses {@link #getEpoch()} without advancing
 * it, so such a loop sets the epoch with {@link #setEpoch(int)} before each epoch. {@link
 * #setEpoch(int)} also puts a resumed run back at the right epoch. A custom {@link Sampler} set
 * with {@code setSampling(Sampler)} is used as it is, with its own randomness.
 *
 * <p>{@link #get(NDManager, long)} returns one image (C, H, W), normalised, without augmentation or
 * transforms, for DJL code that reads records one by one.
 */
public abstract sealed class CompactImageDataset extends RandomAccessDataset
        implements PositionableDataset permits Emnist, Cifar10, Cifar100 {

    /** Seed of the validation split when none is given. */
    public static final long DEFAULT_SPLIT_SEED = 20_260_101L;

    final Usage usage;
    final Path dataDir;
    final String mirror;
    final int validationSize;
    final long splitSeed;
    private final boolean ownSampling;
    private final EpochPlan plan;
    private final BatchAssembler assembler;
    private volatile ImageStore store;

    CompactImageDataset(CompactImageDatasetBuilder<?> builder) {
        super(builder);
        this.usage = Objects.requireNonNull(builder.usage, "usage");
        this.dataDir = Objects.requireNonNull(builder.dataDir, "dataDir");
        this.mirror = builder.mirror;
        this.validationSize = builder.validationSize;
        this.splitSeed = builder.splitSeed;
        this.ownSampling = builder.ownSampling;
        this.plan =
                new EpochPlan(builder.seed, builder.batchSize, builder.shuffle, builder.dropLast);
        this.assembler =
                new BatchAssembler(
                        builder.normalize,
                        builder.mean,
                        builder.std,
                        builder.augment
                                ? new CropFlipAugmentation(builder.seed, builder.cropPadding)
                                : null);
        if (usage == Usage.VALIDATION && validationSize == 0) {
            throw new IllegalArgumentException(
                    "Usage.VALIDATION needs a validation split: call optValidationSplit(size)");
        }
    }

    /**
     * Reads (and if needed downloads and extracts) the dataset files.
     *
     * @param progress receives progress, or {@code null}
     * @return the loaded images
     * @throws IOException if the files are missing, malformed or cannot be read
     */
    abstract ImageStore load(Progress progress) throws IOException;

    /**
     * Selects the rows of a file of {@code total} rows that this dataset keeps.
     *
     * @param total the number of rows in the file(s) of this usage
     * @return the rows to keep, ascending
     */
    RowSelection selectRows(int total) {
        return RowSelection.select(total, usage, validationSize, splitSeed, limit);
    }

    /** {@inheritDoc} */
    @Override
    public void prepare(Progress progress) throws IOException, TranslateException {
        if (store != null) {
            return;
        }
        synchronized (this) {
            if (store == null) {
                store = load(progress);
            }
        }
    }

    private ImageStore store() {
        ImageStore s = store;
        if (s == null) {
            throw new IllegalStateException("call prepare() before reading the dataset");
        }
        return s;
    }

    /** {@inheritDoc} */
    @Override
    protected long availableSize() {
        return store().count;
    }

    /**
     * Returns the usage this dataset was built for.
     *
     * @return TRAIN, TEST or VALIDATION
     */
    public Usage getUsage() {
        return usage;
    }

    /**
     * Returns the class names, index {@code i} naming label {@code i}.
     *
     * @return the class names
     */
    public List<String> getClassNames() {
        return store().classNames;
    }

    /**
     * Returns the epoch number the next {@code getData} call uses for shuffling and augmentation.
     * Whole-epoch calls advance it; calls given a {@link Sampler} do not.
     *
     * @return the epoch number, 0 for the first epoch
     */
    public int getEpoch() {
        return plan.getEpoch();
    }

    /**
     * Sets the epoch number the next {@code getData} call uses, to resume a run exactly, or, in a
     * loop that loads batches through a sampler of its own, before each epoch (with {@code
     * ResumableTrainingLoop}: {@code .optBeforeEpoch(dataset::setEpoch)}).
     *
     * @param epoch the epoch number, 0 for the first epoch
     */
    public void setEpoch(int epoch) {
        setPosition(epoch, 0);
    }

    /**
     * {@inheritDoc}
     *
     * <p>False with a custom {@link Sampler} ({@code setSampling(Sampler)}), whose order comes from
     * randomness of its own: an epoch's order cannot be drawn again.
     */
    @Override
    public boolean isPositionableMidEpoch() {
        return ownSampling;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The whole-epoch call that follows draws the epoch's order as the uninterrupted run did and
     * leaves out its first {@code batchesDone} batches (their images are never read); {@code
     * ResumableTraining.fit} calls this after a resume in the middle of an epoch.
     */
    @Override
    public void setPosition(int epoch, int batchesDone) {
        plan.setPosition(epoch, batchesDone);
    }

    /**
     * Returns the label of an image without building any array.
     *
     * @param index the index of the image in this dataset
     * @return its 0-based class index
     */
    public int getLabel(long index) {
        ImageStore s = store();
        return s.labels[checkIndex(index)] & 0xff;
    }

    /**
     * Returns the bytes this dataset holds for its images and labels, the figure that its resident
     * memory stays close to.
     *
     * @return the length of the pixel array plus the length of the label array
     */
    public long getStoredBytes() {
        ImageStore s = store();
        return (long) s.pixels.length + s.labels.length;
    }

    private int checkIndex(long index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException(
                    "index " + index + " is outside the dataset of " + size() + " images");
        }
        return (int) index;
    }

    /** {@inheritDoc} */
    @Override
    public Record get(NDManager manager, long index) throws IOException {
        ImageStore s = store();
        int row = checkIndex(index);
        // Built as a batch of one in a sub-manager, which is closed with everything in it but the
        // two arrays returned, moved to the caller's manager.
        try (NDManager scope = manager.newSubManager();
                Batch batch =
                        makeBatch(
                                scope,
                                new int[] {row},
                                1,
                                getEpoch(),
                                normalization(scope),
                                false)) {
            NDArray data = batch.getData().head().reshape(s.channels, s.height, s.width);
            NDArray label = batch.getLabels().head().reshape(new Shape());
            data.attach(manager);
            label.attach(manager);
            return new Record(new NDList(data), new NDList(label));
        }
    }

    /** {@inheritDoc} */
    @Override
    public Iterable<Batch> getData(NDManager manager) throws IOException, TranslateException {
        return getData(manager, (ExecutorService) null);
    }

    /** {@inheritDoc} */
    @Override
    public Iterable<Batch> getData(NDManager manager, ExecutorService executorService)
            throws IOException, TranslateException {
        prepare();
        int e = plan.startEpoch();
        Iterator<int[]> batches =
                ownSampling ? plan.batches(Math.toIntExact(size()), e) : samplerPlan(sampler);
        EpochPlan.skip(
                batches,
                plan.takeBatchesToSkip(),
                e,
                getClass().getSimpleName() + " (" + usage + ")");
        return new ImageBatches(this, manager, batches, executorService, prefetchNumber, e);
    }

    /** {@inheritDoc} */
    @Override
    public Iterable<Batch> getData(NDManager manager, Sampler sampler)
            throws IOException, TranslateException {
        return getData(manager, sampler, null);
    }

    /** {@inheritDoc} */
    @Override
    public Iterable<Batch> getData(
            NDManager manager, Sampler sampler, ExecutorService executorService)
            throws IOException, TranslateException {
        prepare();
        // A loop that loads batch by batch through a sampler of its own (ResumableTrainingLoop)
        // calls this once per batch: the epoch is the loop's to set, not counted here.
        return new ImageBatches(
                this,
                manager,
                samplerPlan(sampler),
                executorService,
                prefetchNumber,
                plan.getEpoch());
    }

    private Iterator<int[]> samplerPlan(Sampler sampler) {
        return EpochPlan.fromSampler(sampler.sample(this), this::checkIndex);
    }

    /**
     * Creates the per-channel normalisation constants once for an epoch, or {@code null} when
     * normalisation is off (see {@link BatchAssembler#normalization}).
     */
    NDList normalization(NDManager manager) {
        return assembler.normalization(manager, device);
    }

    /**
     * Builds one batch: gathers the images' bytes (augmenting them if configured) into one direct
     * buffer, makes one uint8 array of it and converts that on the engine.
     *
     * <p>The buffer is this thread's scratch buffer: the uint8 array that wraps it is closed before
     * this method returns (the engine has copied it into the float32 array by then), so the next
     * batch of this thread can reuse it.
     *
     * @param augmentAndTransform whether to apply the augmentation and the transforms (batches), or
     *     neither (single records of {@link #get(NDManager, long)})
     */
    Batch makeBatch(
            NDManager parent,
            int[] indices,
            long progress,
            int epochNumber,
            NDList normalization,
            boolean augmentAndTransform) {
        ImageStore s = store();
        int n = indices.length;
        ByteBuffer buffer = assembler.scratch(parent, Math.multiplyExact(n, s.rowBytes));
        float[] labels = assembler.gather(s, indices, epochNumber, augmentAndTransform, buffer);
        List<Long> indexList = new ArrayList<>(n);
        for (int row : indices) {
            indexList.add((long) row);
        }
        NDManager manager = parent.newSubManager();
        manager.setName("compactImageBatch");
        NDArray x =
                BatchAssembler.toFloat(
                        manager,
                        buffer,
                        new Shape(n, s.channels, s.height, s.width),
                        device,
                        normalization);
        NDList data = new NDList(x);
        NDArray labelArray = manager.create(labels);
        if (device != null) {
            labelArray = labelArray.toDevice(device, false);
        }
        NDList labelList = new NDList(labelArray);
        if (pipeline != null && augmentAndTransform) {
            data = pipeline.transform(data);
        }
        if (targetPipeline != null && augmentAndTransform) {
            labelList = targetPipeline.transform(labelList);
        }
        return new Batch(
                manager,
                data,
                labelList,
                n,
                Batchifier.STACK,
                Batchifier.STACK,
                progress,
                size(),
                indexList);
    }
}
