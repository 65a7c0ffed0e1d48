# Multi-stage build: Maven builds the fat jar, a JRE runs it as a non-root user.
# (Not built in this project's CI: its machines have no Docker engine.)
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
COPY conf ./conf
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /var/lib/sockq --create-home sockq \
    && mkdir -p /data && chown sockq /data
WORKDIR /var/lib/sockq
COPY --from=build /src/target/sockq.jar /opt/sockq/sockq.jar
COPY conf /opt/sockq/conf
# Class-data sharing archive from a short training run: about half the time to a listening socket.
RUN cd /tmp && sh -c 'java -XX:ArchiveClassesAtExit=/opt/sockq/sockq.jsa -jar /opt/sockq/sockq.jar -p 0 --in-memory --udp-port -1 & \
      pid=$!; sleep 4; kill -TERM $pid; wait $pid'
USER sockq
VOLUME /data
EXPOSE 11300/tcp 11300/udp 11380/tcp
# No curl in the image: the jar's own `health` command asks /ready on the ops port.
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s \
  CMD ["java", "-XX:TieredStopAtLevel=1", "-jar", "/opt/sockq/sockq.jar", "health", "--http", "127.0.0.1:11380"]
# Inside a container the published port must listen on all interfaces.
ENV SOCKQ_HOST=0.0.0.0 SOCKQ_DATA_DIR=/data
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/opt/sockq/sockq.jsa", "-jar", "/opt/sockq/sockq.jar"]
