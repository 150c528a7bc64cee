package dev.wsgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wsgateway.policy.GatewayDefaults;
import dev.wsgateway.policy.builtin.LocalBucketStore;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GatewayStorageTest {
    private static GatewayDefaults config(Map<String, String> values) {
        return key -> Optional.ofNullable(values.get(key));
    }

    @Test
    void withoutSettingsTheGatewayKeepsItsStateInFilesAndMemory() {
        GatewayStorage storage = GatewayStorage.fromConfig(config(Map.of()));
        assertFalse(storage.isShared());
        assertNull(storage.cluster());
        assertEquals(LocalBucketStore.class, storage.rateLimits().buckets().getClass());
    }

    @Test
    void anUnknownStoreIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GatewayStorage.fromConfig(config(Map.of("gateway.store", "redis"))));
        assertEquals("gateway.store must be file or postgresql, not 'redis'", e.getMessage());
    }

    @Test
    void thePostgresqlStoreNeedsADataSourceOrAUrl() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GatewayStorage.fromConfig(config(Map.of("gateway.store", "postgresql"))));
        assertEquals("gateway.store=postgresql needs gateway.store.datasource (a JNDI name) or gateway.store.jdbc-url",
                e.getMessage());
    }
}
