package dev.ripple.chatops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The Slack app manifest in deploy/ sends its slash command where Ripple takes it, and asks for no more than it needs. */
class SlackAppManifestTest {
    @Test
    void theSlashCommandPostsToTheSlackEndpointOverHttps() throws IOException {
        // When
        JsonNode manifest = new ObjectMapper(new YAMLFactory()).readTree(Path.of("deploy/slack-app-manifest.yaml")
                .toFile());

        // Then
        JsonNode command = manifest.path("features").path("slash_commands").get(0);
        assertThat(command.path("command").asText()).isEqualTo("/ripple");
        URI url = URI.create(command.path("url").asText());
        assertThat(url.getScheme()).isEqualTo("https");
        assertThat(url.getPath()).isEqualTo(SlackClient.PATH);
        assertThat(manifest.path("oauth_config").path("scopes").path("bot")).extracting(JsonNode::asText)
                .containsExactly("commands");
    }
}
