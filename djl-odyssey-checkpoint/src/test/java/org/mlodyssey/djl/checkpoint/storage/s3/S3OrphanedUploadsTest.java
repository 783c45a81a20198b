/*
 * Copyright 2026 The djl-odyssey authors.
 * Licensed under the Apache License, Version 2.0.
 */
package org.mlodyssey.djl.checkpoint.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mlodyssey.djl.checkpoint.internal.DirectoryLock;
import org.mlodyssey.djl.checkpoint.training.CheckpointDirectory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The multipart uploads a killed run left open are aborted when the next run takes the location's
 * lease, under that location's prefix only, on a real S3Proxy on 127.0.0.1.
 */
class S3OrphanedUploadsTest extends S3ProxyTestBase {

    private S3StoreOptions options() {
        return LoopbackS3Server.options(server.endpoint()).build();
    }

    private void beginUpload(S3Client client, String key) {
        client.createMultipartUpload(b -> b.bucket(bucket).key(key));
    }

    @Test
    void takingTheLeaseAbortsTheUploadsLeftUnderThePrefixOnly() throws Exception {
        try (S3Client client = S3Clients.build(options());
                S3CheckpointStore whole = S3CheckpointStore.open("s3://" + bucket, options())) {
            beginUpload(client, "run/step-000000000010-epoch-000000-batch-000000010/x");
            beginUpload(client, "run-2/step-000000000010-epoch-000000-batch-000000010/x");
            beginUpload(client, "runner/x");
            assertEquals(3, whole.listIncompleteUploads("").size());

            try (CheckpointDirectory directory =
                    CheckpointDirectory.open(
                            "s3://" + bucket + "/run", options(), Duration.ofSeconds(30))) {
                DirectoryLock lock = directory.lock();
                lock.close();
                assertEquals(
                        List.of(
                                "run-2/step-000000000010-epoch-000000-batch-000000010/x",
                                "runner/x"),
                        whole.listIncompleteUploads("").stream().sorted().toList());
            }
        }
    }
}
