package dev.wsgateway.edge.liberty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wsgateway.relay.CloseCodes;
import dev.wsgateway.relay.CloseCodes.Close;
import dev.wsgateway.relay.Side;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LibertyClosesTest {
    @Test
    void libertysCloseForAVanishedConnectionIsTakenAsAbnormal() {
        String liberty = "Connection closed: Read failed.  Possible end of stream encountered. "
                + "local=/127.0.0.1:9080 remote=/127.0.0.1:49108";
        assertEquals(CloseCodes.ABNORMAL, LibertyCloses.received(1011, liberty));
        assertEquals(new Close(1001, CloseCodes.CLIENT_GONE),
                CloseCodes.forward(Side.CLIENT, LibertyCloses.received(1011, liberty), ""));
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 1006, 1011, 4000})
    void closesAnEndpointSentAreTakenAsTheyAre(int code) {
        assertEquals(code, LibertyCloses.received(code, "code " + code));
        assertEquals(code, LibertyCloses.received(code, null));
    }

    @Test
    void onlyLibertysOwn1011IsRewritten() {
        assertEquals(1000, LibertyCloses.received(1000, "local=/127.0.0.1:9080 remote=/127.0.0.1:1"));
    }
}
